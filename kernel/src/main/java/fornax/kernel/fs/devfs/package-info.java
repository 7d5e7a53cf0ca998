/**
 * The device server mounted on /dev: a fixed device table (null, zero, full, random, urandom, tty,
 * console) served as one directory. Its monitor guards the entries' attributes; device I/O runs
 * outside it. Lock order: DevFs → Fid.
 */
package fornax.kernel.fs.devfs;
