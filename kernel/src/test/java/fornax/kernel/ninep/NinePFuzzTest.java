package fornax.kernel.ninep;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated messages, a bounded number of them, against the decoder of every dialect:
 * the only failure allowed is {@link NinePException}, and anything accepted must re-encode to the
 * very bytes it was decoded from (so acceptance is never a lucky misparse). Deterministic: the
 * seed is fixed and printed with any failure.
 */
class NinePFuzzTest {
    static final int ITERATIONS = 200_000;
    static final long SEED = 0x9F2000L;

    private final Random rnd = new Random(SEED);
    private final List<byte[]> corpus = new ArrayList<>();
    private final List<NinePCodec> codecs = new ArrayList<>();
    private int accepted, rejected;

    @Test
    void randomAndMutatedMessagesOnlyEverGiveTheCodecsOwnException() throws Exception {
        for (Dialect d : Dialect.values()) {
            NinePCodec c = new NinePCodec(d, 8192);
            codecs.add(c);
            codecs.add(new NinePCodec(d, NineP.MAX_MSIZE));
            codecs.add(new NinePCodec(d, NineP.MIN_MSIZE));
            int tag = 0;
            for (Message m : Samples.all(d)) corpus.add(c.encode(m, tag++));
        }
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = i % 5 == 0 ? random() : mutate(corpus.get(rnd.nextInt(corpus.size())));
            check(codecs.get(rnd.nextInt(codecs.size())), input, i);
        }
        System.out.printf("9P fuzz: %d inputs, %d accepted and re-encoded identically, %d rejected%n",
                ITERATIONS, accepted, rejected);
        // the mutator must reach both sides, or the test proves little
        assertTrue(accepted > ITERATIONS / 100, "accepted only " + accepted);
        assertTrue(rejected > ITERATIONS / 2, "rejected only " + rejected);
    }

    private void check(NinePCodec c, byte[] input, int i) {
        Frame f;
        byte[] consumed = input;
        try {
            if ((i & 1) == 0) {
                f = c.decode(input);
            } else {                    // a buffer may hold more than one message: compare what was read
                ByteBuffer buf = direct(input);
                f = c.decode(buf);
                consumed = Arrays.copyOf(input, buf.position());
            }
        } catch (NinePException e) {
            rejected++;
            return;
        } catch (Throwable t) {
            throw new AssertionError("iteration " + i + " (seed " + SEED + "): " + c.dialect() + " msize " + c.msize()
                    + " threw " + t + " on " + Bytes.hex(input), t);
        }
        byte[] again;
        try {
            again = c.encode(f.message(), f.tag());
        } catch (NinePException e) {
            throw new AssertionError("iteration " + i + ": " + f + " decoded but does not encode: " + e.reason());
        }
        if (!Arrays.equals(consumed, again))
            fail("iteration " + i + " (seed " + SEED + "): " + c.dialect() + " accepted " + Bytes.hex(consumed)
                    + " as " + f + " which encodes as " + Bytes.hex(again));
        accepted++;
    }

    private static ByteBuffer direct(byte[] b) {
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    /** Random bytes, usually with a size field that agrees and a type some dialect has. */
    private byte[] random() {
        byte[] b = new byte[rnd.nextInt(80)];
        rnd.nextBytes(b);
        if (b.length >= 5 && rnd.nextInt(4) != 0) b[4] = (byte) (rnd.nextBoolean() ? 100 + rnd.nextInt(28) : rnd.nextInt(78));
        if (b.length >= 4 && rnd.nextInt(5) != 0) fixSize(b);
        return b;
    }

    private byte[] mutate(byte[] seed) {
        byte[] b = seed.clone();
        for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
            if (b.length == 0) break;
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(9)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) pick(0, 0xFF, rnd.nextInt(256));
                case 2 -> put(b, at, 2, pick(0, 1, 16, 17, 0x7FFF, 0xFFFF, b.length - at, rnd.nextInt(0x10000)));
                case 3 -> put(b, at, 4, pick(0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, b.length, b.length + 1,
                        b.length - 1, b.length - at, 8192, rnd.nextInt()));
                case 4 -> b = Arrays.copyOf(b, at);
                case 5 -> {
                    byte[] ins = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(ins);
                    b = splice(b, at, 0, ins);
                }
                case 6 -> b = splice(b, at, 1 + rnd.nextInt(Math.min(8, b.length - at)), new byte[0]);
                case 7 -> {
                    byte[] other = corpus.get(rnd.nextInt(corpus.size()));
                    int from = rnd.nextInt(other.length);
                    b = splice(b, at, 0, Arrays.copyOfRange(other, from, Math.min(other.length, from + 1 + rnd.nextInt(24))));
                }
                default -> { if (b.length > 4) b[4] = (byte) (b[4] ^ 1 ^ (rnd.nextBoolean() ? 0 : 2)); } // a neighbor type
            }
        }
        if (b.length >= 4 && rnd.nextInt(10) < 7) fixSize(b);
        return b;
    }

    private int pick(int... choices) { return choices[rnd.nextInt(choices.length)]; }

    private static void put(byte[] b, int at, int width, int v) {
        for (int k = 0; k < width && at + k < b.length; k++) b[at + k] = (byte) (v >>> (8 * k));
    }

    private static void fixSize(byte[] b) { put(b, 0, 4, b.length); }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
