package fornax.machine.dev.virtio;

import fornax.machine.dev.Plic;
import fornax.machine.mem.PhysicalMemory;

/**
 * An empty virtio-mmio slot: device ID 0, which the spec reserves for "placeholder devices at
 * static, well known addresses" (§4.2.2). It answers the magic and version so a driver probing
 * every slot, as Linux does from the device tree, learns the slot is empty instead of hitting a
 * bus error. It has no queues and no features beyond VERSION_1.
 */
public final class VirtioPlaceholder extends VirtioMmioDevice {
    public VirtioPlaceholder(String name, PhysicalMemory ram, Plic plic, int irq) {
        super(name, 0, 0, ram, plic, irq);
    }

    @Override protected void queueNotified(Virtqueue q) { }
}
