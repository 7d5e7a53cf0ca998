package fornax.kernel.dev;

import fornax.machine.dev.MmioBus;
import fornax.machine.dev.Plic;

/**
 * Driver for a 16550 UART, through its registers on the MMIO bus only.
 *
 * <p>Transmit polls LSR.THRE (the emulated line never stays busy). Receive enables the receive
 * interrupt and, when the FIFO is empty, waits for the UART's PLIC source to fire; a break
 * condition (LSR.BI) after the FIFO drains means the host side hung up, which reads as EOF.
 *
 * <p>Locking: {@code txLock} serialises writers so a write(2) is not interleaved with another;
 * {@code rxLock} serialises readers.
 */
public final class UartDriver {
    private static final int RBR = 0, THR = 0, IER = 1, FCR = 2, LCR = 3, LSR = 5;
    private static final int LSR_DR = 0x01, LSR_BI = 0x10, LSR_THRE = 0x20;

    private final MmioBus bus;
    private final long base;
    private final Plic plic;
    private final long plicBase;
    private final int irq;
    private final Object txLock = new Object(), rxLock = new Object();

    public UartDriver(MmioBus bus, long base, Plic plic, long plicBase, int irq) {
        this.bus = bus;
        this.base = base;
        this.plic = plic;
        this.plicBase = plicBase;
        this.irq = irq;
        bus.write8(base + LCR, 0x03);  // 8N1, DLAB off
        bus.write8(base + FCR, 0x07);  // enable and clear FIFOs
    }

    public void write(byte[] buf, int off, int len) {
        synchronized (txLock) {
            for (int i = 0; i < len; i++) {
                while ((bus.read8(base + LSR) & LSR_THRE) == 0) Thread.onSpinWait();
                bus.write8(base + THR, buf[off + i]);
            }
        }
    }

    /** Reads at least one byte (blocking) and at most {@code len}; 0 at end of input. */
    public int read(byte[] buf, int off, int len) {
        synchronized (rxLock) {
            enableReceiveInterrupt();
            int n = 0;
            for (;;) {
                int lsr = bus.read8(base + LSR);
                if ((lsr & LSR_DR) != 0) {
                    buf[off + n++] = (byte) bus.read8(base + RBR);
                    if (n == len) return n;
                    continue;
                }
                if (n > 0 || (lsr & LSR_BI) != 0) return n;
                awaitInterrupt();
            }
        }
    }

    private boolean irqEnabled;

    private void enableReceiveInterrupt() {
        if (irqEnabled) return;
        irqEnabled = true;
        bus.write32(plicBase + 4L * irq, 1);                       // priority 1
        long enableReg = plicBase + 0x2000 + (irq / 32) * 4L;      // context 0
        bus.write32(enableReg, bus.read32(enableReg) | 1 << (irq % 32));
        bus.write8(base + IER, 0x01);
    }

    private void awaitInterrupt() {
        try {
            plic.awaitPending(0, 50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int claimed = bus.read32(plicBase + 0x200004);
        if (claimed != 0) bus.write32(plicBase + 0x200004, claimed);
    }
}
