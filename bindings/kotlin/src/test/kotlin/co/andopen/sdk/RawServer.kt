package co.andopen.sdk

import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.concurrent.atomic.AtomicInteger

/**
 * A hostile HTTP/1.1 server on 127.0.0.1 written on a bare [ServerSocket], for the transport tests and the
 * limits benchmark: it answers every request with [answer], which writes whatever it likes to the socket
 * (a body of any size streamed from a small buffer, a body cut short, one byte a second). Each connection
 * is served on its own daemon thread and closed after one answer.
 */
class RawServer(private val answer: (OutputStream) -> Unit) : AutoCloseable {
    private val socket = ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))
    private val connections = mutableListOf<Socket>()

    /** Requests whose headers (and body) were read in full. */
    val requests = AtomicInteger()

    val url: String get() = "http://127.0.0.1:${socket.localPort}"

    init {
        Thread({
            while (!socket.isClosed) {
                val connection = runCatching { socket.accept() }.getOrNull() ?: break
                synchronized(connections) { connections += connection }
                Thread({ serve(connection) }, "raw-server-connection").apply { isDaemon = true }.start()
            }
        }, "raw-server").apply { isDaemon = true }.start()
    }

    private fun serve(connection: Socket) = connection.use {
        runCatching {
            readRequest(it.getInputStream())
            requests.incrementAndGet()
            val out = it.getOutputStream()
            answer(out)
            out.flush()
        }
    }

    /** Reads the request line, the headers and a `Content-Length` body. */
    private fun readRequest(input: InputStream) {
        val head = StringBuilder()
        while (!head.endsWith("\r\n\r\n")) {
            val b = input.read()
            if (b < 0) return
            head.append(b.toChar())
        }
        val length = head.lines().firstOrNull { it.startsWith("content-length:", ignoreCase = true) }
            ?.substringAfter(':')?.trim()?.toLongOrNull() ?: 0
        var left = length
        val buffer = ByteArray(8192)
        while (left > 0) {
            val n = input.read(buffer, 0, minOf(left, buffer.size.toLong()).toInt())
            if (n < 0) return
            left -= n
        }
    }

    override fun close() {
        socket.close()
        synchronized(connections) { connections.forEach { runCatching { it.close() } } }
    }

    companion object {
        /** A status line and headers, with `Content-Length` when [length] is given. */
        fun head(status: Int, length: Long?, vararg headers: Pair<String, String>): ByteArray = buildString {
            append("HTTP/1.1 $status Whatever\r\n")
            append("Request-Id: $REQUEST_ID\r\nContent-Type: application/json\r\nConnection: close\r\n")
            headers.forEach { (n, v) -> append("$n: $v\r\n") }
            if (length != null) append("Content-Length: $length\r\n")
            append("\r\n")
        }.toByteArray()

        /**
         * A server that sends a [status] head announcing [length] bytes, then one byte ([byte]) a second:
         * an answer that would take [length] seconds to arrive in full.
         */
        fun trickling(status: Int, length: Int, byte: Char): RawServer = RawServer { out ->
            out.write(head(status, length.toLong()))
            out.flush()
            repeat(length) {
                out.write(byte.code)
                out.flush()
                Thread.sleep(1000)
            }
        }

        /**
         * Writes [prefix], then [unit] repeated [times] times (every `{i}` replaced by the copy's index,
         * when it has one), then [suffix], through a 64 KiB buffer: the body is never held whole.
         */
        fun stream(out: OutputStream, prefix: String, unit: String, times: Long, suffix: String) {
            val buffered = out.buffered(1 shl 16)
            buffered.write(prefix.toByteArray())
            val fixed = if ("{i}" in unit) null else unit.toByteArray()
            for (i in 0 until times) buffered.write(fixed ?: unit.replace("{i}", i.toString()).toByteArray())
            buffered.write(suffix.toByteArray())
            buffered.flush()
        }

        /** The exact length of what [stream] writes. */
        fun streamLength(prefix: String, unit: String, times: Long, suffix: String): Long {
            val fixed = prefix.toByteArray().size.toLong() + suffix.toByteArray().size
            if ("{i}" !in unit) return fixed + unit.toByteArray().size.toLong() * times
            var total = fixed
            for (i in 0 until times) total += unit.replace("{i}", i.toString()).toByteArray().size
            return total
        }
    }
}
