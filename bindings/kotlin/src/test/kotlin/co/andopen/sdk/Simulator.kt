package co.andopen.sdk

import org.json.JSONArray
import org.json.JSONObject
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/** One entry of the simulator's request log; [status] is `dropped` when the connection was closed without an answer. */
data class Logged(val method: String, val path: String, val status: String, val requestId: String)

/**
 * The &Open API simulator (`tests/mock`, the `andopen-mock` binary) as a child process on a free port of
 * 127.0.0.1: its base URL, its control endpoints (`/_mock/...`) and its request log (`GET /_mock/requests`),
 * which tells a test what the server actually received. Its stderr is kept for error messages.
 *
 * The binary comes from the environment variable `ANDOPEN_MOCK_BIN`, else from the system property
 * `andopen.mock.bin` (set by the POM to `target/release/andopen-mock` at the repository's root).
 */
class Simulator(vararg flags: String) : AutoCloseable {
    val url: String
    private val process: Process
    private val lines = mutableListOf<String>()
    private val http = HttpClient.newHttpClient()

    init {
        val binary = binary()
        process = ProcessBuilder(listOf(binary.path, "--port", "0", "--exit-on-stdin-eof", "--quiet") + flags).start()
        Thread({ process.errorStream.bufferedReader().forEachLine { synchronized(lines) { lines += it } } }, "andopen-mock-stderr")
            .apply { isDaemon = true }.start()
        val first = CompletableFuture<String?>()
        Thread({
            val reader = process.inputStream.bufferedReader()
            first.complete(reader.readLine())
            reader.forEachLine { }
        }, "andopen-mock-stdout").apply { isDaemon = true }.start()
        val line = try {
            first.get(15, TimeUnit.SECONDS)
        } catch (e: TimeoutException) {
            close()
            throw IllegalStateException("andopen-mock printed no address within 15 s; stderr: ${stderr()}")
        }
        val prefix = "andopen-mock listening on "
        if (line == null || !line.startsWith(prefix)) {
            close()
            throw IllegalStateException("unexpected first line from andopen-mock: $line; stderr: ${stderr()}")
        }
        url = line.removePrefix(prefix).trim()
    }

    fun stderr(): String = synchronized(lines) { lines.joinToString("\n") }

    /** A position in the request log: [apiLog] lists what came after it. */
    fun mark(): Int = control("GET", "/_mock/requests").getJSONArray("data").length()

    /**
     * The API requests the simulator received after [since] (`GET /_mock/requests`; the simulator records
     * a request before answering it).
     */
    fun apiLog(since: Int = 0): List<Logged> {
        val data = control("GET", "/_mock/requests").getJSONArray("data")
        return (since until data.length()).map { data.getJSONObject(it) }.map {
            val status = if (it.isNull("status")) "dropped" else it.getInt("status").toString()
            Logged(it.getString("method"), it.getString("path"), status, it.getString("request_id"))
        }
    }

    /** Calls a control endpoint (no version header, no token) and returns its JSON answer. */
    fun control(method: String, path: String, body: String? = null): JSONObject {
        val publisher = if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body)
        val request = HttpRequest.newBuilder(URI.create(url + path)).method(method, publisher).header("Content-Type", "application/json").build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "$method $path: ${response.statusCode()} ${response.body()}" }
        return JSONObject(response.body())
    }

    /** Queues faults for the next matching API requests (a JSON array of fault objects). */
    fun queueFaults(json: String) {
        control("POST", "/_mock/faults", json)
    }

    /** Every gift request the simulator holds, in creation order. */
    fun gifts(): List<JSONObject> {
        val data: JSONArray = control("GET", "/_mock/gift_requests").getJSONArray("data")
        return (0 until data.length()).map { data.getJSONObject(it) }
    }

    /** Closes the simulator's stdin (it exits), killing it if it has not gone within 5 s. */
    override fun close() {
        if (!process.isAlive) return
        runCatching { process.outputStream.close() }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            process.waitFor(5, TimeUnit.SECONDS)
        }
    }

    companion object {
        const val BUILD_COMMAND = "cargo build --release --locked -p andopen-mock --bin andopen-mock"

        /**
         * The simulator's binary. `ANDOPEN_MOCK_BIN` names one that must exist; otherwise the default location
         * (the repository's `target/release/andopen-mock`) is used, built with cargo on first use when it is
         * missing (a fresh copy: `mvn install` builds the native library with cargo already). Throws, with
         * the command, when neither works.
         */
        fun binary(): File = synchronized(this) {
            val configured = System.getenv("ANDOPEN_MOCK_BIN")?.takeIf { it.isNotEmpty() }
            val path = configured ?: System.getProperty("andopen.mock.bin") ?: "../../target/release/andopen-mock"
            val file = File(path).absoluteFile.normalize()
            if (file.isFile && file.canExecute()) return file
            if (configured != null) throw IllegalStateException("the andopen-mock simulator is missing (ANDOPEN_MOCK_BIN: $file)")
            build(file)
            check(file.isFile && file.canExecute()) { "`$BUILD_COMMAND` did not produce $file" }
            return file
        }

        /** Builds the simulator from the repository root (`target/release/andopen-mock` is under it). */
        private fun build(file: File) {
            val root = file.parentFile?.parentFile?.parentFile
                ?: throw IllegalStateException("the andopen-mock simulator is missing ($file) and no repository root is known")
            val log = File.createTempFile("andopen-mock-build", ".log").apply { deleteOnExit() }
            val process = try {
                ProcessBuilder(BUILD_COMMAND.split(" ")).directory(root).redirectErrorStream(true).redirectOutput(log).start()
            } catch (e: java.io.IOException) {
                throw IllegalStateException("the andopen-mock simulator is missing ($file) and cargo could not be started: run `$BUILD_COMMAND`", e)
            }
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly()
                throw IllegalStateException("`$BUILD_COMMAND` took more than 15 minutes")
            }
            check(process.exitValue() == 0) { "`$BUILD_COMMAND` failed:\n${log.readText().takeLast(4000)}" }
        }
    }
}
