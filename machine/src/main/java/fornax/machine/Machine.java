package fornax.machine;

import fornax.machine.cpu.CodeCache;
import fornax.machine.cpu.Hart;
import fornax.machine.dev.GoldfishRtc;
import fornax.machine.dev.MmioBus;
import fornax.machine.dev.Plic;
import fornax.machine.dev.PowerDevice;
import fornax.machine.dev.Uart16550;
import fornax.machine.dev.virtio.VirtioMmioDevice;
import fornax.machine.dev.virtio.VirtioPlaceholder;
import fornax.machine.dev.virtio.VirtioRng;
import fornax.machine.mem.PhysicalMemory;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;

/**
 * An RV64GC computer: harts, RAM and devices on an MMIO bus, laid out like QEMU's virt board.
 *
 * <pre>
 *   0x0010_0000  power (SiFive test finisher)
 *   0x0010_1000  rtc (Goldfish)
 *   0x0C00_0000  plic  (one S-mode context per hart)
 *   0x1000_0000  uart0 (console: host stdin/stdout), PLIC source 10
 *   0x1000_0100  uart1 (debug: host stderr),          PLIC source 11
 *   0x1000_1000  virtio-mmio slot 0: rng,              PLIC source 1
 *   0x1000_2000  virtio-mmio slots 1..7, 0x1000 apart, PLIC sources 2..8: empty (device ID 0)
 *   0x8000_0000  RAM
 * </pre>
 *
 * The machine knows nothing of processes or files. A kernel drives it through {@link Hart}
 * (registers, satp, TLB flushes, {@code run()} until a trap), {@link PhysicalMemory} and the
 * {@link MmioBus}.
 */
public final class Machine implements AutoCloseable {
    public static final long POWER_BASE = 0x0010_0000L;
    public static final long RTC_BASE = 0x0010_1000L;
    public static final long PLIC_BASE = 0x0C00_0000L;
    public static final long UART0_BASE = 0x1000_0000L;
    public static final long UART1_BASE = 0x1000_0100L;
    public static final int UART0_IRQ = 10, UART1_IRQ = 11;
    /** virtio-mmio slots as on QEMU virt: slot n at VIRTIO_BASE + n * 0x1000 on PLIC source 1 + n. */
    public static final long VIRTIO_BASE = 0x1000_1000L;
    public static final int VIRTIO_SLOTS = 8, VIRTIO_IRQ_BASE = 1;
    public static final long RAM_BASE = 0x8000_0000L;

    /**
     * @param harts      number of harts
     * @param ramBytes   RAM size (multiple of 4 KiB)
     * @param consoleIn  host input behind uart0 (null: none)
     * @param consoleOut host output behind uart0
     * @param debugOut   host output behind uart1
     */
    public record Config(int harts, long ramBytes, InputStream consoleIn, OutputStream consoleOut, OutputStream debugOut) { }

    private final PhysicalMemory ram;
    private final CodeCache codeCache;
    private final Hart[] harts;
    private final MmioBus bus = new MmioBus();
    private final Plic plic;
    private final Uart16550 console, debug;
    private final long bootNanos = System.nanoTime();
    private final CountDownLatch poweredOff = new CountDownLatch(1);
    private final Thread flusher;
    private volatile int powerOffCode = -1;

    public Machine(Config config) {
        ram = new PhysicalMemory(RAM_BASE, config.ramBytes());
        codeCache = new CodeCache(ram);
        harts = new Hart[config.harts()];
        for (int i = 0; i < harts.length; i++) harts[i] = new Hart(i, ram, codeCache, bootNanos);
        plic = new Plic(harts.length, ctx -> harts[ctx].raise(9));
        console = new Uart16550("uart0", config.consoleIn(), config.consoleOut(), plic, UART0_IRQ);
        debug = new Uart16550("uart1", null, config.debugOut(), plic, UART1_IRQ);
        bus.map(POWER_BASE, new PowerDevice(new PowerDevice.Listener() {
            @Override public void powerOff(int code) { powerOffCode = code; poweredOff.countDown(); }
            @Override public void reset() { powerOffCode = 0x7777; poweredOff.countDown(); }
        }));
        bus.map(RTC_BASE, new GoldfishRtc());
        bus.map(PLIC_BASE, plic);
        bus.map(UART0_BASE, console);
        bus.map(UART1_BASE, debug);
        VirtioMmioDevice[] virtio = new VirtioMmioDevice[VIRTIO_SLOTS];
        virtio[0] = new VirtioRng("virtio-rng", ram, plic, virtioIrq(0));
        for (int i = 0; i < VIRTIO_SLOTS; i++) {
            if (virtio[i] == null) virtio[i] = new VirtioPlaceholder("virtio" + i, ram, plic, virtioIrq(i));
            bus.map(virtioBase(i), virtio[i]);
        }
        flusher = Thread.ofPlatform().daemon().name("uart-flush").unstarted(this::flushLoop);
        flusher.start();
    }

    private void flushLoop() {
        try {
            while (poweredOff.getCount() > 0) {
                Thread.sleep(20);
                console.flush();
                debug.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public PhysicalMemory ram() { return ram; }
    public CodeCache codeCache() { return codeCache; }
    public int hartCount() { return harts.length; }
    public Hart hart(int i) { return harts[i]; }
    public MmioBus bus() { return bus; }
    public Plic plic() { return plic; }
    public static long virtioBase(int slot) { return VIRTIO_BASE + slot * VirtioMmioDevice.WINDOW; }
    public static int virtioIrq(int slot) { return VIRTIO_IRQ_BASE + slot; }
    /** System.nanoTime() at power-on; the time CSR counts from here. */
    public long bootNanos() { return bootNanos; }

    /** True once the power device was written (power-off or reset requested). */
    public boolean isPoweredOff() { return poweredOff.getCount() == 0; }
    /** Exit code given to the power device, or -1 if still on. */
    public int powerOffCode() { return powerOffCode; }

    /** Flushes device output to the host and stops the machine's helper threads. */
    @Override public void close() {
        console.flush();
        debug.flush();
        flusher.interrupt();
    }
}
