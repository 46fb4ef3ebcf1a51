"""What every role shares: the session (where the token lives, what happens when it ends) and
the page's own guarantees (the CSP refuses inline code, and the checks would notice)."""

from harness import Api, Browser, Failure

AUDITOR = "auditor@medic-nest.example"


def an_ended_session_returns_to_login_and_back_to_the_same_place(b: Browser):
    b.login(AUDITOR)
    # Somewhere other than the start, by the navigation a person would use.
    links = [a for a in b.driver.find_elements("css selector", "#nav a") if a.get_attribute("href").split("#")[-1] != "/"]
    if not links:
        raise Failure("the auditor's navigation has no page besides the start")
    place = "#" + links[-1].get_attribute("href").split("#", 1)[1]
    links[-1].click()
    b.wait_ready()
    token = b.driver.execute_script("return JSON.parse(sessionStorage.getItem('cx.session')).token")
    if not token or token in b.driver.current_url:
        raise Failure("the token is not in sessionStorage, or it is in the URL")
    if b.driver.execute_script("return localStorage.length") != 0:
        raise Failure("the console stored something in localStorage (it must not outlive the tab)")

    # The session ends elsewhere (logged out on another device; the same as an expiry).
    Api(token).call("POST", "/v1/auth/logout", expect=204)
    b.driver.refresh()
    b.wait_ready()
    b.wait(lambda d: d.execute_script("return location.hash.startsWith('#/login')"), 15, "the login page after the session ended")
    b.wait_text("Your session ended")
    b.type("E-mail", AUDITOR)
    b.type("Password", "medic-nest-demo")
    b.click("Log in")
    b.wait(lambda d: d.execute_script("return location.hash") == place, 15, f"the return to {place}")


def a_wrong_password_is_told_beside_the_form(b: Browser):
    b.open("#/login")
    b.type("E-mail", AUDITOR)
    b.type("Password", "not-the-password")
    b.click("Log in")
    b.wait(lambda d: b.form_message(), 10, "the refusal")
    message = b.form_message()
    if "{" in message or "problem" in message.lower():
        raise Failure(f"the refusal shows raw JSON: {message!r}")
    if not b.driver.execute_script("return location.hash.startsWith('#/login')"):
        raise Failure("a wrong password left the login page")


def the_policy_refuses_inline_code_and_the_check_sees_it(b: Browser):
    """The console-error check must be able to fail: an inline script is refused by the CSP,
    the browser reports it, and `collect_console` returns it."""
    b.open("#/login")
    b.collect_console()
    b.driver.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.cxInline = 1'; document.body.append(s);")
    if b.driver.execute_script("return window.cxInline === 1"):
        raise Failure("an inline script ran: the Content-Security-Policy does not refuse inline code")
    seen = b.collect_console()
    b.console_problems.clear()  # provoked on purpose
    if not any("Content Security Policy" in p or "Refused to" in p for p in seen):
        raise Failure(f"the CSP refusal was not reported to the console check: {seen!r}")


JOURNEYS = [
    an_ended_session_returns_to_login_and_back_to_the_same_place,
    a_wrong_password_is_told_beside_the_form,
    the_policy_refuses_inline_code_and_the_check_sees_it,
]
PAGES = [("login", None, "#/login"), ("register", None, "#/register")]
