/**
 * How 9P messages travel: the {@link fornax.kernel.ninep.transport.Transport} contract (whole
 * messages, in order, both directions, EOF at the end) and its implementations:
 * {@link fornax.kernel.ninep.transport.StreamTransport} over a host byte stream (TCP, a test's
 * pipes), {@link fornax.kernel.ninep.transport.Channel} between a kernel-side server task and the
 * kernel, and the guest file-descriptor pair of a {@code mount -t 9p -o trans=fd} (in the 9P client).
 *
 * <p>Invariants: a transport never hands out part of a frame, and a frame whose size field is
 * impossible ends the connection with {@link fornax.kernel.ninep.transport.Transport.FramingException};
 * the codec (fornax.kernel.ninep) then checks everything inside the frame.
 *
 * <p>Lock order: each transport's locks are leaves; no other lock is taken while holding them.
 */
package fornax.kernel.ninep.transport;
