package fornax.kernel.sys;

/**
 * One row of the syscall table: the compatibility document for that call.
 *
 * @param number  riscv64 syscall number (asm-generic/unistd.h)
 * @param name    Linux name
 * @param status  how much of Linux's behaviour is there
 * @param note    what is missing or different (empty when SUPPORTED)
 * @param handler the implementation, or null for ENOSYS entries
 */
public record Syscall(int number, String name, Status status, String note, Handler handler) {
    public enum Status { SUPPORTED, PARTIAL, ENOSYS }

    /** A syscall implementation: arguments a0..a5 in, result out; failures throw {@link SysError}. */
    @FunctionalInterface
    public interface Handler {
        long call(SyscallContext ctx, long[] a);
    }
}
