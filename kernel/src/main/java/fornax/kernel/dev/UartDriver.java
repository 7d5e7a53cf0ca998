package fornax.kernel.dev;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.dev.MmioBus;
import fornax.machine.dev.Plic;
import java.util.concurrent.locks.LockSupport;

/**
 * Driver for a 16550 UART, through its registers on the MMIO bus only.
 *
 * <p>Transmit polls LSR.THRE (the emulated line never stays busy). Receive enables the receive
 * interrupt and, when the FIFO is empty, waits for the UART's PLIC source to fire; a break
 * condition (LSR.BI) after the FIFO drains means the host side hung up, which reads as EOF.
 * {@link #read} serves a reader directly (the console when the host is not a terminal);
 * {@link #receive} serves the console tty's receiver thread.
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

    /**
     * Reads at least one byte (blocking) and at most {@code len}; 0 at end of input. A signal
     * (thread interrupt) while waiting ends the read with what it has, or EINTR.
     */
    public int read(byte[] buf, int off, int len) {
        try {
            return receive(buf, off, len);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SysError(Errno.EINTR);
        }
    }

    /**
     * The receive loop's read (the console tty's receiver thread): waits for at least one byte,
     * returns up to {@code len}; 0 once the line hung up (host input closed).
     *
     * @throws InterruptedException when the waiting thread is interrupted with nothing read
     */
    public int receive(byte[] buf, int off, int len) throws InterruptedException {
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

    /** Whether a read would not wait: a byte is in the FIFO or the line hung up (end of input). */
    public boolean readable() {
        return (bus.read8(base + LSR) & (LSR_DR | LSR_BI)) != 0;
    }

    private boolean irqEnabled;   // guarded by rxLock

    private void enableReceiveInterrupt() {
        if (irqEnabled) return;
        irqEnabled = true;
        bus.write32(plicBase + 4L * irq, 1);                       // priority 1
        long enableReg = plicBase + 0x2000 + (irq / 32) * 4L;      // context 0
        bus.write32(enableReg, bus.read32(enableReg) | 1 << (irq % 32));
        bus.write8(base + IER, 0x01);
    }

    /**
     * Waits for the PLIC to show a pending source on context 0 (or a slice to pass). Nothing is
     * claimed: the UART's line falls by itself once the FIFO is drained, and a source that is
     * someone else's (virtio) must stay theirs; when the pending source is not ours, a short pause
     * keeps this from spinning until its driver acknowledges it.
     */
    private void awaitInterrupt() throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        if (plic.awaitPending(0, 50) && (bus.read8(base + LSR) & (LSR_DR | LSR_BI)) == 0)
            LockSupport.parkNanos(1_000_000L);
        if (Thread.interrupted()) throw new InterruptedException();
    }
}
