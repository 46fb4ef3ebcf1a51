/// When a failed delivery is tried again (e-mail now, webhooks next): exponential from `base`
/// seconds, doubled per attempt up to `cap`, spread by ±20 % jitter so a relay that comes back
/// is not hit by every instance at once. Pure; `jitter` in 0...1 comes from the caller.
public enum DeliveryBackoff {
    public static func delaySeconds(afterAttempt attempt: Int, base: Double, cap: Double, jitter: Double) -> Double {
        let n = min(max(attempt, 1), 40) - 1
        var d = max(0, base)
        for _ in 0..<n where d < cap { d *= 2 }
        let spread = 0.8 + 0.4 * min(max(jitter.isFinite ? jitter : 0.5, 0), 1)
        return min(d, max(0, cap)) * spread
    }
}
