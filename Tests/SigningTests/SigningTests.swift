import Testing

@testable import Signing

@Suite("SHA-256, HMAC and webhook signatures")
struct SigningTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    ])
    func nistVectors(_ input: String, _ digest: String) {
        #expect(HMACSHA256.hex(SHA256.hash(Array(input.utf8))) == digest)
    }

    @Test func aMillionAs() {
        #expect(
            HMACSHA256.hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func rfc4231() {
        #expect(
            HMACSHA256.hex(HMACSHA256.mac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            HMACSHA256.hex(HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            HMACSHA256.hex(
                HMACSHA256.mac(
                    key: [UInt8](repeating: 0xaa, count: 131), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
                ))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func signaturesVerifyAndRefuseTamperingAndReplays() {
        let body = Array(#"{"id":"delivery-7","kind":"decision"}"#.utf8)
        let header = WebhookSignature.sign(secret: "whsec_test", timestamp: 1_800_000_000, body: body)
        #expect(header.hasPrefix("t=1800000000,v1="))
        #expect(WebhookSignature.verify(header: header, secret: "whsec_test", body: body, now: 1_800_000_100))
        #expect(!WebhookSignature.verify(header: header, secret: "whsec_other", body: body, now: 1_800_000_100))
        #expect(!WebhookSignature.verify(header: header, secret: "whsec_test", body: body + [0x20], now: 1_800_000_100))
        #expect(!WebhookSignature.verify(header: header, secret: "whsec_test", body: body, now: 1_800_000_301), "too old")
        #expect(!WebhookSignature.verify(header: "t=9223372036854775807,v1=00", secret: "s", body: body, now: Int64.min))
        #expect(!WebhookSignature.verify(header: "garbage", secret: "s", body: body, now: 0))
    }
}
