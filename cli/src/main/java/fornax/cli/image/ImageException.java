package fornax.cli.image;

/** Why the root image could not be made: one line, printed as {@code fornax: image: MESSAGE}. */
public final class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) { super(oneLine(message)); }

    /** Whitespace (newlines included) collapsed to single spaces. */
    static String oneLine(String s) { return s == null ? "" : s.strip().replaceAll("\\s+", " "); }
}
