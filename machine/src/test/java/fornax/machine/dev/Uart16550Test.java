package fornax.machine.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The 16550A UART: transmit to the host stream, receive from it, LSR/IIR bits, DLAB, interrupts. */
class Uart16550Test {
    private static final int RBR = 0, THR = 0, IER = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
    private static final int DR = 0x01, BI = 0x10, THRE = 0x20, TEMT = 0x40;

    private static int rd(Uart16550 u, int reg) { return (int) u.read(reg, 1); }

    private static void wr(Uart16550 u, int reg, int v) { u.write(reg, 1, v); }

    /** Polls LSR until {@code bit} is set (the host reader is a separate thread). */
    private static int awaitLsr(Uart16550 u, int bit) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int v;
        while (((v = rd(u, LSR)) & bit) == 0) {
            if (System.nanoTime() > end) throw new AssertionError("LSR bit " + bit + " never set, LSR=" + v);
            Thread.sleep(1);
        }
        return v;
    }

    @Test
    void transmittedBytesReachTheHostStream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Uart16550 u = new Uart16550("t", null, out, null, 10);
        for (byte b : "hi\n".getBytes(StandardCharsets.US_ASCII)) wr(u, THR, b);
        assertEquals("hi\n", out.toString(StandardCharsets.US_ASCII), "a newline flushes");
        wr(u, THR, 'x');
        wr(u, THR, 0xFF);
        u.flush();
        byte[] got = out.toByteArray();
        assertEquals(5, got.length);
        assertEquals('x', got[3]);
        assertEquals((byte) 0xFF, got[4]);
    }

    @Test
    void largeOutputIsDeliveredCompletely() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Uart16550 u = new Uart16550("t", null, out, null, 10);
        for (int i = 0; i < 200_000; i++) wr(u, THR, 'a' + i % 26);
        u.flush();
        byte[] got = out.toByteArray();
        assertEquals(200_000, got.length);
        for (int i = 0; i < got.length; i++) assertEquals('a' + i % 26, got[i]);
    }

    @Test
    void lineStatusWithoutInputShowsTransmitterEmptyAndBreak() {
        Uart16550 u = new Uart16550("t", null, OutputStreamHolder.NULL, null, 10);
        int lsr = rd(u, LSR);
        assertEquals(THRE | TEMT, lsr & (THRE | TEMT), "the transmitter is always ready");
        assertEquals(0, lsr & DR);
        assertEquals(BI, lsr & BI, "no host input: the line is hung up");
        assertEquals(0, rd(u, RBR), "reading an empty receiver returns 0");
    }

    @Test
    void receivedBytesComeFromTheHostInputThenBreakAtEof() throws Exception {
        Uart16550 u = new Uart16550("t", new ByteArrayInputStream("ab\u00ff".getBytes(StandardCharsets.ISO_8859_1)),
                OutputStreamHolder.NULL, null, 10);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 3; k++) {
            int lsr = awaitLsr(u, DR);
            assertEquals(0, lsr & BI, "no break while data is waiting");
            sb.append((char) rd(u, RBR));
        }
        assertEquals("ab\u00ff", sb.toString());
        int lsr = awaitLsr(u, BI);
        assertEquals(0, lsr & DR);
        assertEquals(0, rd(u, RBR));
        assertEquals(BI, rd(u, LSR) & BI, "break stays once the host input ended");
    }

    @Test
    void inputLargerThanTheFifoArrivesInOrder() throws Exception {
        byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
        Uart16550 u = new Uart16550("t", new ByteArrayInputStream(data), OutputStreamHolder.NULL, null, 10);
        for (int i = 0; i < data.length; i++) {
            awaitLsr(u, DR);
            assertEquals(data[i] & 0xFF, rd(u, RBR), "byte " + i);
        }
        awaitLsr(u, BI);
    }

    @Test
    void hostInputIsNotConsumedUntilTheDriverLooks() throws Exception {
        int[] reads = new int[1];
        InputStream in = new InputStream() {
            @Override public int read() { reads[0]++; return -1; }
            @Override public int read(byte[] b, int off, int len) { reads[0]++; return -1; }
        };
        Uart16550 u = new Uart16550("t", in, OutputStreamHolder.NULL, null, 10);
        wr(u, THR, 'x');
        wr(u, LCR, 3);
        Thread.sleep(20);
        assertEquals(0, reads[0]);
        awaitLsr(u, BI);
        assertTrue(reads[0] > 0);
    }

    @Test
    void divisorLatchAndScratchRegisters() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Uart16550 u = new Uart16550("t", null, out, null, 10);
        wr(u, IER, 0xFF);
        assertEquals(0x0F, rd(u, IER), "IER keeps its low four bits");
        wr(u, LCR, 0x83);                       // DLAB on, 8N1
        wr(u, 0, 0x0C);
        wr(u, 1, 0x01);
        assertEquals(0x0C, rd(u, 0));
        assertEquals(0x01, rd(u, 1));
        assertEquals(0x83, rd(u, LCR));
        wr(u, LCR, 0x03);                       // DLAB off
        assertEquals(0x0F, rd(u, IER), "the divisor write did not touch IER");
        u.flush();
        assertEquals(0, out.size(), "divisor writes are not transmitted");
        wr(u, SCR, 0x5A);
        assertEquals(0x5A, rd(u, SCR));
        wr(u, MCR, 0x0B);
        assertEquals(0x0B, rd(u, MCR));
        assertEquals(0xB0, rd(u, MSR) & 0xB0, "CTS, DSR, DCD asserted");
    }

    @Test
    void interruptIdentificationAndPlicLine() throws Exception {
        List<Integer> notified = new ArrayList<>();
        Plic plic = new Plic(1, notified::add);
        plic.write(4 * 10, 4, 1);                // priority of source 10
        plic.write(0x2000, 4, 1 << 10);          // enable for context 0
        Uart16550 u = new Uart16550("t", new ByteArrayInputStream(new byte[] {42}), OutputStreamHolder.NULL, plic, 10);
        assertEquals(0x01, rd(u, IIR) & 0x0F, "no interrupt pending");
        assertEquals(0xC0, rd(u, IIR) & 0xC0, "FIFOs enabled");
        wr(u, IER, 0x02);                        // transmitter-empty interrupt
        assertEquals(0x02, rd(u, IIR) & 0x0F);
        assertTrue(notified.contains(0), "the PLIC told context 0");
        assertEquals(10L, plic.read(0x200004, 4), "claim returns the UART's source");
        plic.write(0x200004, 4, 10);             // complete
        wr(u, IER, 0x00);
        assertEquals(0L, plic.read(0x200004, 4), "line low after IER cleared");
        wr(u, IER, 0x01);                        // receive interrupt
        awaitLsr(u, DR);
        assertEquals(0x04, rd(u, IIR) & 0x0F, "received data available");
        assertEquals(10L, plic.read(0x200004, 4));
        assertEquals(42, rd(u, RBR));
        plic.write(0x200004, 4, 10);
    }

    /** A shared sink for output the tests do not look at. */
    private static final class OutputStreamHolder {
        static final java.io.OutputStream NULL = java.io.OutputStream.nullOutputStream();
    }
}
