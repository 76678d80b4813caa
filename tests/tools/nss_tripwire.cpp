// nss_tripwire: a shared object that stands for a host's NSS module (libnss_myhostname.so.2,
// libnss_resolve.so.2) in the chroots of tests/integration/test_spored_static.py. Loading it is
// the fault: its constructor writes one line to stderr and ends the process with exit status 97,
// as a real module of another glibc version ends a static spored (SIGFPE, docs/spored.md).
// Built with -nostdlib and no DT_NEEDED, so the chroot needs no libc.so.6 for it to load: raw
// system calls only.
namespace {

constexpr long k_write = 1;
constexpr long k_exit_group = 231;
constexpr int k_status = 97;

long syscall3(long number, long a, long b, long c) {
  long result;
  __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return result;
}

__attribute__((constructor)) void tripwire() {
  static const char message[] = "nss_tripwire: an NSS module was loaded\n";
  syscall3(k_write, 2, reinterpret_cast<long>(message), sizeof message - 1);
  syscall3(k_exit_group, k_status, 0, 0);
}

}  // namespace
