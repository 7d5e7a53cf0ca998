package fornax.machine.dev;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A 16550A UART wired to host streams: what the driver writes to THR goes to the host output,
 * bytes from the host input arrive in RBR. Registers at byte offsets 0..7 (DLAB selects the
 * divisor latch at 0/1, which is stored and ignored: the host line has no baud rate).
 *
 * <pre>
 *   0 RBR/THR/DLL  1 IER/DLM  2 IIR/FCR  3 LCR  4 MCR  5 LSR  6 MSR  7 SCR
 *   LSR: 0x01 DR data ready, 0x10 BI break (host input closed), 0x20 THRE, 0x40 TEMT
 *   IER: 0x01 receive interrupt, 0x02 transmit-empty interrupt
 * </pre>
 *
 * <p>Host input ending (EOF) is presented as a permanent break condition once the receive FIFO has
 * drained: the line was hung up. The host reader thread starts the first time the driver looks at
 * the receiver, so a guest that never reads does not consume the host's stdin.
 *
 * <p>Output is buffered on the host side and flushed at each newline, when large, or by
 * {@link #flush()} (the machine calls it periodically and at power-off).
 *
 * <p>Thread safety: register state is guarded by {@code this}; the host reader thread only
 * appends to the receive FIFO under the same lock.
 */
public final class Uart16550 implements MmioDevice {
    private static final int FIFO = 4096;
    private final String name;
    private final InputStream in;
    private final BufferedOutputStream out;
    private final Plic plic;
    private final int irq;

    // guarded by this
    private final byte[] rx = new byte[FIFO];
    private int rxHead, rxCount;
    private boolean rxEof, readerStarted, dirty;
    private int ier, lcr, mcr, scr, dll, dlm;

    public Uart16550(String name, InputStream in, OutputStream out, Plic plic, int irq) {
        this.name = name;
        this.in = in;
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.plic = plic;
        this.irq = irq;
    }

    @Override public String name() { return name; }
    @Override public long size() { return 8; }

    private void startReader() {
        if (readerStarted) return;
        readerStarted = true;
        if (in == null) { rxEof = true; return; }
        Thread t = new Thread(this::pump, name + "-rx");
        t.setDaemon(true);
        t.start();
    }

    /** Host reader: moves host input into the receive FIFO, waiting while it is full. */
    private void pump() {
        byte[] buf = new byte[512];
        try {
            for (;;) {
                int n = in.read(buf);
                synchronized (this) {
                    if (n < 0) { rxEof = true; updateIrq(); return; }
                    for (int i = 0; i < n; i++) {
                        while (rxCount == FIFO) wait();
                        rx[(rxHead + rxCount++) % FIFO] = buf[i];
                    }
                    updateIrq();
                }
            }
        } catch (IOException | InterruptedException e) {
            synchronized (this) { rxEof = true; updateIrq(); }
        }
    }

    private boolean rxInterrupt() { return (ier & 1) != 0 && (rxCount > 0 || rxEof); }

    private void updateIrq() {
        if (plic != null) plic.setLine(irq, rxInterrupt() || (ier & 2) != 0);
    }

    private int lsr() {
        int v = 0x60;
        if (rxCount > 0) v |= 0x01;
        else if (rxEof) v |= 0x10;
        return v;
    }

    @Override public synchronized long read(long off, int width) {
        boolean dlab = (lcr & 0x80) != 0;
        switch ((int) off) {
            case 0:
                if (dlab) return dll;
                startReader();
                if (rxCount == 0) return 0;
                int b = rx[rxHead] & 0xFF;
                rxHead = (rxHead + 1) % FIFO;
                rxCount--;
                notifyAll();
                updateIrq();
                return b;
            case 1: return dlab ? dlm : ier;
            case 2: return 0xC0 | (rxInterrupt() ? 0x04 : (ier & 2) != 0 ? 0x02 : 0x01);
            case 3: return lcr;
            case 4: return mcr;
            case 5: startReader(); return lsr();
            case 6: return 0xB0; // CTS, DSR, DCD
            default: return scr;
        }
    }

    @Override public synchronized void write(long off, int width, long value) {
        int v = (int) value & 0xFF;
        boolean dlab = (lcr & 0x80) != 0;
        switch ((int) off) {
            case 0:
                if (dlab) { dll = v; return; }
                transmit(v);
                return;
            case 1:
                if (dlab) { dlm = v; return; }
                ier = v & 0x0F;
                if ((ier & 1) != 0) startReader();
                updateIrq();
                return;
            case 3: lcr = v; return;
            case 4: mcr = v; return;
            case 7: scr = v; return;
            default: // FCR and read-only registers: FIFOs are always on
        }
    }

    private void transmit(int b) {
        try {
            out.write(b);
            dirty = true;
            if (b == '\n') { out.flush(); dirty = false; }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pushes buffered output to the host. */
    public synchronized void flush() {
        if (!dirty) return;
        try {
            out.flush();
        } catch (IOException e) {
            // Host output closed: nothing to deliver to.
        }
        dirty = false;
    }
}
