package fornax.kernel.ninep;

import java.util.Objects;

/**
 * One message as it travels: its tag and its body. The tag pairs a reply with its request; the
 * client picks it (any u16 but {@link NineP#NOTAG}, which is Tversion's) and the server echoes it.
 */
public record Frame(int tag, Message message) {
    public Frame {
        if (tag < 0 || tag > 0xFFFF) throw new IllegalArgumentException("tag " + tag + " is not a u16");
        Objects.requireNonNull(message);
    }
}
