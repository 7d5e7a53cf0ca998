/**
 * The Linux riscv64 syscall ABI: one table ({@link fornax.kernel.sys.SyscallTable}) mapping numbers
 * to handlers with their compatibility status, and handlers grouped by family ({@code SysMemory},
 * {@code SysIo}, {@code SysFile}, {@code SysProc}, {@code SysInfo}, ...). Argument decoding lives
 * here; mechanism lives in the subsystems. Errors are {@link fornax.kernel.sys.SysError} carrying a
 * Linux errno, turned into {@code -errno} once, in {@code SyscallTable.dispatch}.
 */
package fornax.kernel.sys;
