#if canImport(Glibc)
    import Glibc
#endif

/// epoll, eventfd and accept4 for Swift on Linux.
///
/// The Glibc module the toolchain ships does not import `<sys/epoll.h>` or
/// `<sys/eventfd.h>`, and this module may not add a C target, so the symbols
/// are resolved once from libc with `dlsym` and called through
/// `@convention(c)` pointers (the C ABI, unlike `@_silgen_name`). `epoll_event`
/// is handled as raw bytes because its layout differs by architecture
/// (packed, 12 bytes, on x86_64).
enum Epoll {
    static let IN: UInt32 = 0x001
    static let OUT: UInt32 = 0x004
    static let ERR: UInt32 = 0x008
    static let HUP: UInt32 = 0x010
    static let RDHUP: UInt32 = 0x2000
    static let EXCLUSIVE: UInt32 = 1 << 28
    static let ET: UInt32 = 1 << 31

    static let ctlAdd: Int32 = 1
    static let ctlDel: Int32 = 2
    static let ctlMod: Int32 = 3

    static let cloexec: Int32 = 0o2000000
    static let nonblock: Int32 = 0o4000

    #if arch(x86_64)
        static let eventSize = 12
        static let dataOffset = 4
    #else
        static let eventSize = 16
        static let dataOffset = 8
    #endif

    private typealias CreateFn = @convention(c) (Int32) -> Int32
    private typealias CtlFn = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    private typealias WaitFn = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    private typealias EventfdFn = @convention(c) (UInt32, Int32) -> Int32
    private typealias Accept4Fn = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    private static func symbol<T>(_ name: String, as type: T.Type) -> T {
        // RTLD_DEFAULT is the null handle on glibc.
        guard let pointer = dlsym(nil, name) else { fatalError("libc symbol \(name) not found") }
        return unsafeBitCast(pointer, to: type)
    }

    private static let createFn = symbol("epoll_create1", as: CreateFn.self)
    private static let ctlFn = symbol("epoll_ctl", as: CtlFn.self)
    private static let waitFn = symbol("epoll_wait", as: WaitFn.self)
    private static let eventfdFn = symbol("eventfd", as: EventfdFn.self)
    private static let accept4Fn = symbol("accept4", as: Accept4Fn.self)

    static func create() -> Int32 { createFn(cloexec) }

    static func eventfd() -> Int32 { eventfdFn(0, nonblock | cloexec) }

    static func accept4(_ fd: Int32, _ addr: UnsafeMutablePointer<sockaddr>?, _ len: UnsafeMutablePointer<socklen_t>?, _ flags: Int32)
        -> Int32
    {
        accept4Fn(fd, addr, len, flags)
    }

    /// Registers/modifies `fd` with `events`; the descriptor itself is the user data.
    @discardableResult
    static func control(_ epfd: Int32, _ op: Int32, _ fd: Int32, _ events: UInt32) -> Int32 {
        var raw = (UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &raw) { buf in
            buf.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            buf.storeBytes(of: UInt64(UInt32(bitPattern: fd)), toByteOffset: dataOffset, as: UInt64.self)
            return ctlFn(epfd, op, fd, buf.baseAddress)
        }
    }

    static func wait(_ epfd: Int32, _ events: UnsafeMutableRawPointer, _ maxEvents: Int32, _ timeoutMs: Int32) -> Int32 {
        waitFn(epfd, events, maxEvents, timeoutMs)
    }

    /// The (events, fd) of the i-th record filled in by `wait`.
    @inline(__always)
    static func event(_ buffer: UnsafeMutableRawPointer, _ i: Int) -> (events: UInt32, fd: Int32) {
        let base = buffer + i * eventSize
        let events = base.loadUnaligned(as: UInt32.self)
        let data = (base + dataOffset).loadUnaligned(as: UInt64.self)
        return (events, Int32(bitPattern: UInt32(truncatingIfNeeded: data)))
    }
}
