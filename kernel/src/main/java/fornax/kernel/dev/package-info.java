/**
 * Drivers: they talk to devices only through MMIO registers (and wait for interrupts through the
 * PLIC). {@link fornax.kernel.dev.UartDriver} drives a 16550; the console on it is a terminal
 * ({@link fornax.kernel.dev.tty}) when the host side is one, else a pipe-like
 * {@link fornax.kernel.dev.ConsoleFile}.
 */
package fornax.kernel.dev;
