// The Python the sandbox tests run on both sides of each probe: inside an app (through PCC's Podman) and in
// the unprotected control containers, so that the two verdicts come from the very same code.

/** Extra probes, in the probe tool's format (PASS/BLOCKED/ERROR, exit 0/1/2), run with `python3 -c`. */
export const EXTRA = String.raw`
import ctypes, ctypes.util, errno, os, select, signal, socket, sys, time
libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
libc.syscall.restype = ctypes.c_long
class Pass(Exception): pass
class Blocked(Exception): pass
def err(what):
    e = ctypes.get_errno()
    return f"{what}: [{errno.errorcode.get(e, e)}] {os.strerror(e)}"
def sys_call(nr, *args):
    return libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])

def p_unix(path):
    """connects to a unix socket (@name: abstract)"""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect("\0" + path[1:] if path.startswith("@") else path)
    except OSError as e:
        raise Blocked(f"{path}: {e}")
    finally:
        s.close()
    raise Pass(f"connected to {path}")

def p_read(path, expect=None):
    """reads a file (and, given EXPECT, checks that it holds it)"""
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 20)
    except OSError as e:
        raise Blocked(f"{path}: {e}")
    if expect is not None and expect.encode() not in data:
        raise Exception(f"read {path} but it does not hold {expect!r}")
    raise Pass(f"read {len(data)} bytes of {path}" + (" holding the marker" if expect else ""))

def p_mountinfo(needle):
    """looks for NEEDLE in its own /proc/self/mountinfo"""
    with open("/proc/self/mountinfo") as f:
        hits = [l.split()[4] for l in f if needle in l]
    if hits: raise Pass(f"{needle!r} is mounted at {', '.join(hits)}")
    raise Blocked(f"no mount mentions {needle!r}")

def p_pids(marker):
    """looks for a visible process whose command line holds MARKER"""
    seen = 0
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid(): continue
        seen += 1
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                if marker.encode() in f.read(): raise Pass(f"pid {d} runs {marker!r}")
        except OSError:
            pass
    raise Blocked(f"none of the {seen} processes it sees runs {marker!r}")

def p_setuid(binary="/usr/bin/su"):
    """runs a setuid-root binary (su, on a pty) as a non-root user and reads its uids while it asks for a password"""
    import pty
    if os.geteuid() == 0: raise Exception("must run as a non-root user")
    st = os.stat(binary)
    if not st.st_mode & 0o4000 or st.st_uid != 0: raise Exception(f"{binary} is not setuid root")
    pid, fd = pty.fork()
    if pid == 0:
        try: os.execv(binary, [binary, "root", "-c", "id"])
        finally: os._exit(127)
    out, uids, end = b"", None, time.time() + 10
    try:
        while time.time() < end:
            try:
                with open(f"/proc/{pid}/status") as f:
                    fields = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
                if fields.get("Name", "").strip() == os.path.basename(binary): uids = fields["Uid"].split()
            except OSError:
                pass
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try: chunk = os.read(fd, 1024)
                except OSError: break
                if not chunk: break
                out += chunk
            if uids and (b"assword" in out or b"su:" in out): break
    finally:
        try: os.kill(pid, signal.SIGKILL)
        except OSError: pass
        try: os.waitpid(pid, 0)
        except OSError: pass
    if not uids: raise Exception(f"never saw {binary} run; it printed {out[:100]!r}")
    info = f"{binary} ran with real/effective/saved uid {'/'.join(uids[:3])}, printed {out.strip()[:40]!r}"
    if uids[1] == "0": raise Pass(info)
    raise Blocked(info)

def p_memory(mb="512"):
    """touches MB megabytes in a child process (PASS if the child lives)"""
    n = int(mb) << 20
    pid = os.fork()
    if pid == 0:
        try:
            b = b"\x01" * n
            os._exit(0 if len(b) == n else 4)
        except MemoryError:
            os._exit(3)
    _, st = os.waitpid(pid, 0)
    limit = "?"
    for f in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(f) as fh: limit = fh.read().strip(); break
        except OSError: pass
    if os.WIFSIGNALED(st): raise Blocked(f"the child touching {mb} MB was killed by signal {os.WTERMSIG(st)} (limit {limit})")
    if os.WEXITSTATUS(st) == 3: raise Blocked(f"MemoryError for {mb} MB (limit {limit})")
    if os.WEXITSTATUS(st) != 0: raise Exception(f"child exited {os.WEXITSTATUS(st)}")
    raise Pass(f"touched {mb} MB (limit {limit})")

CLONE_NEWUSER, SIGCHLD = 0x10000000, 17
def forked(pid):
    if pid == 0: os._exit(0)
    if pid > 0: os.waitpid(pid, 0)
    return pid

def p_clone_newuser():
    """clone(CLONE_NEWUSER) as a raw syscall (not unshare)"""
    pid = forked(sys_call(56, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0))
    if pid < 0: raise Blocked(err("clone(CLONE_NEWUSER)"))
    raise Pass(f"child {pid} got a new user namespace")

def p_clone3_newuser():
    """clone3 with CLONE_NEWUSER (its flags sit in memory, out of seccomp's sight)"""
    args = (ctypes.c_uint64 * 11)()
    args[0], args[4] = CLONE_NEWUSER, SIGCHLD
    pid = forked(sys_call(435, ctypes.byref(args), ctypes.c_size_t(88)))
    if pid < 0: raise Blocked(err("clone3(CLONE_NEWUSER)"))
    raise Pass(f"child {pid} got a new user namespace")

def p_process_vm_readv():
    """reads another process's memory (a child of its own) with process_vm_readv"""
    secret = ctypes.create_string_buffer(b"pcc-secret-in-memory")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w); os.read(r, 1); os._exit(0)
    try:
        buf = ctypes.create_string_buffer(20)
        class iovec(ctypes.Structure): _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
        local, remote = iovec(ctypes.cast(buf, ctypes.c_void_p), 20), iovec(ctypes.cast(secret, ctypes.c_void_p), 20)
        n = sys_call(310, pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
        if n < 0: raise Blocked(err(f"process_vm_readv of pid {pid}"))
        raise Pass(f"read {buf.raw!r} from pid {pid}")
    finally:
        os.close(w); os.waitpid(pid, 0)

def p_keyctl_session():
    """keyctl(KEYCTL_JOIN_SESSION_KEYRING): the keyctl syscall itself"""
    serial = sys_call(250, 1, ctypes.c_char_p(b"pcc-probe"))
    if serial < 0: raise Blocked(err("keyctl(JOIN_SESSION_KEYRING)"))
    raise Pass(f"joined a new session keyring {serial}")

def p_syslog():
    """reads the kernel log (syslog READ_ALL)"""
    buf = ctypes.create_string_buffer(4096)
    n = libc.klogctl(3, buf, 4096)
    if n < 0: raise Blocked(err("syslog(READ_ALL)"))
    raise Pass(f"read {n} bytes of the kernel log")

def p_userfaultfd():
    """userfaultfd(2)"""
    fd = sys_call(323, os.O_CLOEXEC)
    if fd < 0: raise Blocked(err("userfaultfd"))
    os.close(fd); raise Pass("got a userfaultfd")

def p_perf_event():
    """perf_event_open of a user-space-only software counter on itself"""
    attr = (ctypes.c_uint8 * 128)()
    ctypes.memmove(attr, (ctypes.c_uint32 * 2)(1, 128), 8)
    ctypes.memmove(ctypes.byref(attr, 8), (ctypes.c_uint64 * 1)(1), 8)
    ctypes.memmove(ctypes.byref(attr, 40), (ctypes.c_uint64 * 1)(1 | 32 | 64), 8)
    fd = sys_call(298, ctypes.byref(attr), 0, -1, -1, 0)
    if fd < 0: raise Blocked(err("perf_event_open"))
    os.close(fd); raise Pass("opened a perf event")

def p_io_uring():
    """io_uring_setup(2)"""
    params = (ctypes.c_uint8 * 120)()
    fd = sys_call(425, 4, ctypes.byref(params))
    if fd < 0: raise Blocked(err("io_uring_setup"))
    os.close(fd); raise Pass("set up an io_uring")

def p_setns():
    """setns into its own network namespace"""
    fd = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        if libc.setns(fd, 0) != 0: raise Blocked(err("setns"))
    finally:
        os.close(fd)
    raise Pass("joined a namespace")

def p_status():
    """its own security fields from /proc/self/status"""
    with open("/proc/self/status") as f:
        s = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
    raise Pass(" ".join(f"{k}={s[k].strip()}" for k in ("CapEff", "CapPrm", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Seccomp_filters") if k in s))

PROBES = {k[2:].replace("_", "-"): v for k, v in dict(globals()).items() if k.startswith("p_")}
name, args = sys.argv[1], sys.argv[2:]
try:
    PROBES[name](*args)
    print(f"ERROR {name}: undecided"); sys.exit(2)
except Pass as e:
    print(f"PASS {name}: {e}"); sys.exit(0)
except Blocked as e:
    print(f"BLOCKED {name}: {e}"); sys.exit(1)
except Exception as e:
    print(f"ERROR {name}: {type(e).__name__}: {e}"); sys.exit(2)
`;

/** Listens on the abstract unix socket "@NAME" in the host's network namespace. */
export const ABSTRACT_SERVER = String.raw`
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1])
s.listen(16)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    c.close()
`;
