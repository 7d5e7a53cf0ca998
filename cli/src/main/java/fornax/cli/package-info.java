/**
 * The {@code fornax} command line (picocli): {@code exec}, {@code bench}, {@code syscalls},
 * {@code image} (helpers in {@link fornax.cli.image}).
 * {@link fornax.cli.Main#run} is the in-process entry used by the guest tests.
 */
package fornax.cli;
