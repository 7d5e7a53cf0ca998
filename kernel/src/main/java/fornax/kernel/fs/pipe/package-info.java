/**
 * Pipes: {@link fornax.kernel.fs.pipe.PipeFs}, the pipe device (each attach is a new pipe), and
 * {@link fornax.kernel.fs.pipe.Pipe}, a 64 KiB ring with Linux semantics that blocks on its
 * monitor. The pipe monitor is a leaf lock; waiting releases it.
 */
package fornax.kernel.fs.pipe;
