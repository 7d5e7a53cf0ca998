/**
 * Virtio drivers on the virtio-mmio transport: they reach a device only through its registers
 * and split virtqueues in RAM, as Linux's virtio_mmio and virtio_ring do.
 *
 * <p>{@link fornax.kernel.dev.virtio.VirtioMmioTransport} probes a slot and runs the
 * initialisation sequence (reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queues, DRIVER_OK);
 * {@link fornax.kernel.dev.virtio.DriverQueue} is the driver's half of a virtqueue: submit a
 * chain of physical buffers, wait for it to be used. A device driver is a thin layer on top:
 * {@link fornax.kernel.dev.virtio.VirtioRngDriver} for the entropy device, and
 * {@link fornax.kernel.dev.virtio.VirtioRandom}, which makes it the kernel's {@code SecureRandom}.
 *
 * <p>Lock order: VirtioRngDriver → DriverQueue → device monitor → Plic.
 */
package fornax.kernel.dev.virtio;
