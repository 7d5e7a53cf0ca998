package fornax.machine;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;


/**
 * Loads and stores: every width with sign/zero extension, misaligned accesses at every offset
 * including across a page boundary, and faults of accesses that straddle into a page they may not
 * touch. Each test runs with block translation on (hot loops) and off.
 */
class LoadStoreTest {

    /** Byte value stored at offset {@code i} of the test pattern. */
    private static int pattern(int i) { return (i * 37 + 0x81) & 0xFF; }

    private static byte[] patternBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) pattern(i);
        return b;
    }

    /** Little-endian value of {@code size} pattern bytes starting at offset {@code off}. */
    private static long patternValue(int off, int size) {
        long v = 0;
        for (int k = size - 1; k >= 0; k--) v = v << 8 | pattern(off + k);
        return v;
    }

    @BothModes
    void loadsOfEveryWidthSignOrZeroExtend(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.write(d, new byte[] {(byte) 0x80, (byte) 0x81, (byte) 0x82, (byte) 0x83, (byte) 0x84, (byte) 0x85,
                    (byte) 0x86, (byte) 0x87, 0x7F, 0x7E, 0x7D, 0x7C, 0x01, 0x02, 0x03, 0x04});
            g.setX(S0, d);
            g.runHot(a -> a.i(lb(A0, S0, 0), lbu(A1, S0, 0), lh(A2, S0, 0), lhu(A3, S0, 0), lw(A4, S0, 0),
                    lwu(A5, S0, 0), ld(A6, S0, 0), lb(A7, S0, 8), lh(S2, S0, 8), lw(S3, S0, 8), lwu(S4, S0, 8),
                    ld(S5, S0, 8), lbu(S6, S0, 15), lw(S7, S0, 12)));
            assertEquals(0xFFFFFFFFFFFFFF80L, g.x(A0));
            assertEquals(0x80L, g.x(A1));
            assertEquals(0xFFFFFFFFFFFF8180L, g.x(A2));
            assertEquals(0x8180L, g.x(A3));
            assertEquals(0xFFFFFFFF83828180L, g.x(A4));
            assertEquals(0x83828180L, g.x(A5));
            assertEquals(0x8786858483828180L, g.x(A6));
            assertEquals(0x7FL, g.x(A7));
            assertEquals(0x7E7FL, g.x(S2));
            assertEquals(0x7C7D7E7FL, g.x(S3));
            assertEquals(0x7C7D7E7FL, g.x(S4));
            assertEquals(0x040302017C7D7E7FL, g.x(S5));
            assertEquals(0x04L, g.x(S6));
            assertEquals(0x04030201L, g.x(S7));
        }
    }

    @BothModes
    void negativeAndLargeOffsets(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(8192);
            g.write64(d + 8, 0x1111);
            g.write64(d + 4096 + 2040, 0x2222);
            g.setX(S0, d + 2048);
            g.setX(S1, d + 4096 + 2048);
            g.runHot(a -> a.i(ld(A0, S0, -2040), ld(A1, S1, -8), addi(A2, ZERO, 77), sd(A2, S0, 2047 - 7),
                    sd(A2, S1, -2048)));
            assertEquals(0x1111L, g.x(A0));
            assertEquals(0x2222L, g.x(A1));
            assertEquals(77L, g.read64(d + 2048 + 2040));
            assertEquals(77L, g.read64(d + 4096));
        }
    }

    @BothModes
    void storesOfEveryWidthWriteOnlyTheirBytes(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            byte[] fill = new byte[64];
            java.util.Arrays.fill(fill, (byte) 0xEE);
            g.write(d, fill);
            g.setX(S0, d);
            g.setX(A0, 0x8877665544332211L);
            g.runHot(a -> a.i(sb(A0, S0, 1), sh(A0, S0, 4), sw(A0, S0, 8), sd(A0, S0, 16)));
            byte[] got = g.read(d, 32);
            byte[] want = new byte[32];
            java.util.Arrays.fill(want, (byte) 0xEE);
            want[1] = 0x11;
            want[4] = 0x11; want[5] = 0x22;
            want[8] = 0x11; want[9] = 0x22; want[10] = 0x33; want[11] = 0x44;
            for (int k = 0; k < 8; k++) want[16 + k] = (byte) (0x11 * (k + 1));
            assertArrayEquals(want, got);
        }
    }

    @BothModes
    void misalignedLoadsAtEveryOffsetInsideAPage(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.write(d, patternBytes(4096));
            long[] addr = new long[16];
            for (int k = 0; k < 16; k++) addr[k] = d + 64 + k;
            long[] zero = new long[16];
            checkLoads(g, addr, zero, k -> 64 + k);
        }
    }

    @BothModes
    void misalignedLoadsAcrossAPageBoundary(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(8192);        // two consecutive mapped pages (in different frames)
            g.write(d, patternBytes(8192));
            long[] addr = new long[15];
            for (int k = 0; k < 15; k++) addr[k] = d + 4096 - 8 + k;   // 4088 .. 4102
            checkLoads(g, addr, new long[15], k -> 4096 - 8 + k);
        }
    }

    private static void checkLoads(Guest g, long[] addr, long[] zero, java.util.function.IntUnaryOperator offsetOf) {
        int[][] kinds = {{lh(A2, A0, 0), 2, 1}, {lhu(A2, A0, 0), 2, 0}, {lw(A2, A0, 0), 4, 1}, {lwu(A2, A0, 0), 4, 0},
                         {ld(A2, A0, 0), 8, 1}};
        String[] names = {"lh", "lhu", "lw", "lwu", "ld"};
        for (int t = 0; t < kinds.length; t++) {
            long[] got = g.sweep(kinds[t][0], addr, zero);
            int size = kinds[t][1];
            for (int k = 0; k < addr.length; k++) {
                long v = patternValue(offsetOf.applyAsInt(k), size);
                if (kinds[t][2] == 1 && size < 8) v = v << (64 - 8 * size) >> (64 - 8 * size);
                assertEquals(v, got[k], names[t] + " at offset " + Long.toHexString(addr[k] & 0xFFF));
            }
        }
    }

    /** Stores {@code value} with {@code insn} (sh/sw/sd a1, 0(a0)) at va in a hot loop. */
    private static void store(Guest g, int insn, long va, long value) {
        g.setX(A0, va);
        g.setX(A1, value);
        g.runHot(a -> a.i(insn));
    }

    @BothModes
    void misalignedStoresAtEveryOffsetIncludingAcrossAPage(boolean jit) {
        try (Guest g = new Guest(jit)) {
            int[][] kinds = {{sh(A1, A0, 0), 2}, {sw(A1, A0, 0), 4}, {sd(A1, A0, 0), 8}};
            for (int[] kind : kinds) {
                int size = kind[1];
                int[] offsets = new int[8 + size - 1];
                for (int k = 0; k < 8; k++) offsets[k] = 64 + k;                          // inside the page
                for (int k = 1; k < size; k++) offsets[7 + k] = 4096 - k;                  // straddling
                for (int off : offsets) {
                    long d = g.alloc(8192);
                    byte[] before = patternBytes(8192);
                    g.write(d, before);
                    long value = 0xF1E2D3C4B5A69788L;
                    store(g, kind[0], d + off, value);
                    byte[] want = before.clone();
                    for (int b = 0; b < size; b++) want[off + b] = (byte) (value >>> (8 * b));
                    byte[] got = g.read(d, 8192);
                    int o = off;
                    assertArrayEquals(java.util.Arrays.copyOfRange(want, o - 16, o + 24),
                            java.util.Arrays.copyOfRange(got, o - 16, o + 24), "size " + size + " offset " + off);
                    assertArrayEquals(want, got, "size " + size + " offset " + off + " (whole 8 KiB)");
                }
            }
        }
    }

    @BothModes
    void misalignedStoreIntoAnUnmappedSecondPageFaultsWithoutWriting(boolean jit) {
        try (Guest g = new Guest(jit)) {
            int[][] kinds = {{sh(A1, A0, 0), 2}, {sw(A1, A0, 0), 4}, {sd(A1, A0, 0), 8}};
            for (int[] kind : kinds) {
                for (int k = 1; k < kind[1]; k++) {
                    long d = g.alloc(4096);       // followed by an unmapped guard page
                    byte[] before = patternBytes(4096);
                    g.write(d, before);
                    long va = d + 4096 - k;
                    g.setX(A0, va);
                    g.setX(A1, -1);
                    Trap[] t = new Trap[1];
                    long pc = g.execAt(new Asm().i(kind[0]).i(ecall()), t);
                    String m = "size " + kind[1] + " at page end - " + k;
                    assertEquals(Trap.STORE_PAGE_FAULT, t[0].cause(), m + ": " + t[0].describe());
                    assertEquals(d + 4096, t[0].tval(), m + ": tval must be the first byte that faulted");
                    assertEquals(pc, t[0].pc(), m);
                    assertEquals(pc, g.hart.pc(), m);
                    assertArrayEquals(before, g.read(d, 4096), m + ": the mapped part must not be written");
                }
            }
        }
    }

    @BothModes
    void misalignedStoreIntoAReadOnlySecondPageFaultsWithoutWriting(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.unmapped();
            g.mapNew(d, Guest.URW);
            g.mapNew(d + 4096, Guest.UR);
            g.write(d, patternBytes(4096));
            g.write(d + 4096, patternBytes(4096));
            g.setX(A0, d + 4092);
            g.setX(A1, 0);
            Trap t = g.exec(new Asm().i(sd(A1, A0, 0)).i(ecall()));
            assertEquals(Trap.STORE_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(d + 4096, t.tval());
            assertArrayEquals(patternBytes(4096), g.read(d, 4096));
            assertArrayEquals(patternBytes(4096), g.read(d + 4096, 4096));
        }
    }

    @BothModes
    void misalignedStoreWhoseFirstPageIsUnmappedFaultsAtItsAddress(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.unmapped();
            g.mapNew(d + 4096, Guest.URW);    // only the second page
            g.write(d + 4096, patternBytes(4096));
            g.setX(A0, d + 4096 - 2);
            g.setX(A1, 0);
            Trap t = g.exec(new Asm().i(sw(A1, A0, 0)).i(ecall()));
            assertEquals(Trap.STORE_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(d + 4096 - 2, t.tval());
            assertArrayEquals(patternBytes(4096), g.read(d + 4096, 4096));
        }
    }

    @BothModes
    void misalignedLoadsThatStraddleIntoUnmappedPagesFault(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.setX(A0, d + 4096 - 3);
            g.setX(A2, 0x1234);
            Trap t = g.exec(new Asm().i(ld(A2, A0, 0)).i(ecall()));
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(d + 4096, t.tval());
            assertEquals(0x1234L, g.x(A2), "destination must not be written by a faulting load");

            long e = g.unmapped();
            g.mapNew(e + 4096, Guest.URW);
            g.setX(A0, e + 4096 - 1);
            t = g.exec(new Asm().i(lh(A2, A0, 0)).i(ecall()));
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(e + 4096 - 1, t.tval());
            assertEquals(0x1234L, g.x(A2));
        }
    }

    /**
     * A hot loop stores an 8-byte counter at an address that moves up one byte per iteration,
     * until a store straddles into the unmapped page: the fault must be precise (counter already
     * incremented by the earlier instruction of the same block, pointer not yet advanced) and the
     * faulting store must leave the mapped page as the previous iteration left it.
     */
    @BothModes
    void straddlingStoreFaultInAHotLoopIsPrecise(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            long end = d + 4096;
            g.setX(S0, end - 8 - 150);
            g.setX(S1, 0);
            int[] at = new int[1];
            Trap t = g.runLoop(1000, a -> {
                a.i(addi(S1, S1, 1));
                at[0] = a.pos();
                a.i(sd(S1, S0, 0));
                a.i(addi(S0, S0, 1));
            });
            assertEquals(Trap.STORE_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(end, t.tval());
            assertEquals(g.lastProgramVa() + at[0], t.pc());
            assertEquals(152L, g.x(S1));
            assertEquals(end - 7, g.x(S0));
            assertEquals(151L, g.read64(end - 8));
            if (jit) g.assertLoopTranslated();
        }
    }

    @BothModes
    void floatingPointLoadsAndStoresIncludingMisalignedAndNanBoxing(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(8192);
            g.write(d, patternBytes(8192));
            g.setX(S0, d + 4096 - 3);       // straddles the page boundary
            g.setX(S1, d + 101);
            g.runHot(a -> a.i(fld(1, S0, 0), flw(2, S0, 0), fsd(1, S1, 0), fsw(2, S1, 16), fmvXD(A0, 2)));
            assertEquals(patternValue(4093, 8), g.hart.f(1));
            assertEquals(0xFFFFFFFF00000000L | patternValue(4093, 4), g.hart.f(2), "flw must NaN-box");
            assertEquals(patternValue(4093, 8), g.read64(d + 101));
            assertEquals((int) patternValue(4093, 4), g.read32(d + 117));
            assertEquals(0xFFFFFFFF00000000L | patternValue(4093, 4), g.x(A0));
        }
    }

    @BothModes
    void compressedLoadsAndStores(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.write(d, patternBytes(4096));
            g.setX(S0, d + 512);
            g.setX(SP, d + 1024);
            g.setX(A4, 0x0102030405060708L);
            g.hart.setF(9, 0x1122334455667788L);
            g.runHot(a -> {
                a.c(cLw(A0, S0, 124));
                a.c(cLd(A1, S0, 248));
                a.c(cLwsp(A2, 252));
                a.c(cLdsp(A3, 504));
                a.c(cFld(8, S0, 8));
                a.c(cFldsp(31, 16));
                a.c(cSw(A4, S0, 0));
                a.c(cSd(A4, S0, 16));
                a.c(cSwsp(A4, 4));
                a.c(cSdsp(A4, 32));
                a.c(cFsd(9, S0, 40));
                a.c(cFsdsp(9, 48));
            });
            assertEquals((long) (int) patternValue(512 + 124, 4), g.x(A0));
            assertEquals(patternValue(512 + 248, 8), g.x(A1));
            assertEquals((long) (int) patternValue(1024 + 252, 4), g.x(A2));
            assertEquals(patternValue(1024 + 504, 8), g.x(A3));
            assertEquals(patternValue(512 + 8, 8), g.hart.f(8));
            assertEquals(patternValue(1024 + 16, 8), g.hart.f(31));
            assertEquals(0x05060708, g.read32(d + 512));
            assertEquals(0x0102030405060708L, g.read64(d + 512 + 16));
            assertEquals(0x05060708, g.read32(d + 1024 + 4));
            assertEquals(0x0102030405060708L, g.read64(d + 1024 + 32));
            assertEquals(0x1122334455667788L, g.read64(d + 512 + 40));
            assertEquals(0x1122334455667788L, g.read64(d + 1024 + 48));
        }
    }
}
