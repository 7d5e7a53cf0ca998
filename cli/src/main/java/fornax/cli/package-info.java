/**
 * The {@code fornax} command line (picocli): {@code exec}, {@code bench}, {@code syscalls}.
 * {@link fornax.cli.Main#run} is the in-process entry used by the guest tests.
 */
package fornax.cli;
