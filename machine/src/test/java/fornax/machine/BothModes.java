package fornax.machine;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs a test twice: with block translation on ({@code jit = true}: loops are hot enough that
 * their blocks really are translated) and with the interpreter alone ({@code jit = false}).
 * The test method takes one {@code boolean jit} parameter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "jit={0}")
@ValueSource(booleans = {true, false})
public @interface BothModes { }
