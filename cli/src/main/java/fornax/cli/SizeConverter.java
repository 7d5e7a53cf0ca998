package fornax.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses sizes such as {@code 512M}, {@code 4G}, {@code 65536}, {@code 64K} into bytes. */
final class SizeConverter implements ITypeConverter<Long> {
    @Override public Long convert(String s) {
        return parse(s);
    }

    static long parse(String s) {
        String t = s.trim().toUpperCase();
        if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        if (t.endsWith("I")) t = t.substring(0, t.length() - 1);
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> { }
            }
        }
        if (shift != 0) t = t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(t);
            if (v <= 0 || v > (Long.MAX_VALUE >>> shift)) throw new NumberFormatException();
            return v << shift;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("not a size: '" + s + "' (use e.g. 512M or 2G)");
        }
    }
}
