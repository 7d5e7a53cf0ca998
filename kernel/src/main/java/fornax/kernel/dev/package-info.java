/**
 * Drivers: they talk to devices only through MMIO registers (and wait for interrupts through the
 * PLIC). {@link fornax.kernel.dev.UartDriver} drives a 16550; {@link fornax.kernel.dev.ConsoleFile}
 * exposes it as a character device.
 */
package fornax.kernel.dev;
