/**
 * Devices on the MMIO bus: 16550 UARTs wired to host streams, the PLIC, a Goldfish RTC and the
 * SiFive test finisher (power). Adding a device means implementing {@link
 * fornax.machine.dev.MmioDevice} and mapping it in {@link fornax.machine.Machine}.
 *
 * <p>Each device guards its registers with its own monitor; a device may call the PLIC while
 * holding it (device → PLIC is the only lock order).
 */
package fornax.machine.dev;
