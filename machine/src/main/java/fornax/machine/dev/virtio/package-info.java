/**
 * Virtio devices on the virtio-mmio transport (virtio 1.2, §4.2, version 2 register layout).
 *
 * <p>{@link fornax.machine.dev.virtio.VirtioMmioDevice} is the transport: registers, status and
 * feature negotiation, queue configuration, the interrupt line. {@link
 * fornax.machine.dev.virtio.Virtqueue} is a split virtqueue in guest RAM, validated before use. A
 * device type is a subclass that names its ID, features and queue sizes and handles queue
 * notifications: {@link fornax.machine.dev.virtio.VirtioRng} (entropy) is the first;
 * {@link fornax.machine.dev.virtio.VirtioPlaceholder} fills empty slots.
 *
 * <p>Adding a device: subclass {@code VirtioMmioDevice}, pop chains in {@code queueNotified} (or
 * from a worker thread, synchronized on the device, then {@code signalUsed}), and put it in a slot
 * in {@link fornax.machine.Machine}.
 *
 * <p>Locking: a device and its queues are guarded by the device's monitor; device → PLIC.
 */
package fornax.machine.dev.virtio;
