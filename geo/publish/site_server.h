#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace parkatlas::geo {

struct SiteServerOptions {
    /// The address to listen on: 127.0.0.1 unless the user asks for another (0.0.0.0, ::, a
    /// host's address) explicitly.
    std::string bindAddress = "127.0.0.1";
    /// The port; 0 takes any free one (port() says which).
    int port = 8000;
    /// Connections served at once; one more is answered 503 and closed.
    unsigned maxConnections = 64;
    /// A connection that sends nothing for this long is closed (a request that takes longer to
    /// arrive is answered 408).
    std::chrono::milliseconds idleTimeout{10000};
    /// Told one line for each request answered with an error (4xx, 5xx) and each connection
    /// refused; may be called from several threads at once (SiteServer serialises the calls).
    std::function<void(const std::string&)> log;
};

/// A small read-only HTTP/1.1 server of one folder: a published site (`parkatlas serve`), for
/// preview on this machine. GET and HEAD only; files inside the folder only (no `..`, no
/// hidden `.name`, no symbolic link out of it, no directory listing: a folder is its
/// index.html); MIME types for the site's files (.html, .js, .css, .json, .pbf as
/// application/x-protobuf, .pdf, .png, .svg …); ETag and Last-Modified with `Cache-Control:
/// no-cache` (the browser revalidates and gets 304 when nothing changed); a vector tile written
/// gzip-compressed (starts with 1f 8b) goes out with `Content-Encoding: gzip` to a client that
/// accepts it and inflated to one that does not. A request line or headers over 8 KiB, a
/// malformed request or a body are answered 4xx and the connection closed.
///
/// Thread-safety: run() on one thread; stop() from any thread (or the callback run() polls).
/// Each connection is served on its own thread; all are joined before run() returns.
class SiteServer {
public:
    /// Binds and listens. Throws IoError naming the address and port when that fails (a port
    /// in use, an address this machine does not have) or `root` is not a folder.
    SiteServer(const std::string& root, const SiteServerOptions& options);
    ~SiteServer();
    SiteServer(const SiteServer&) = delete;
    SiteServer& operator=(const SiteServer&) = delete;

    /// The port listened on.
    int port() const { return m_port; }
    /// "http://127.0.0.1:8000/" ("[::1]" for an IPv6 address).
    std::string url() const;

    /// Serves until stop() is called or `stopRequested` (polled about every 100 ms) says so,
    /// then closes every connection and returns.
    void run(const std::function<bool()>& stopRequested = {});
    void stop() { m_stopping = true; }

    /// Requests answered so far (any status).
    std::size_t requestsServed() const { return m_requests; }

private:
    struct Connection;
    void serveConnection(int socket);
    void log(const std::string& line);
    void reapFinished(bool all);

    std::string m_root; // canonical, no trailing slash
    SiteServerOptions m_options;
    int m_listener = -1;
    int m_port = 0;
    std::string m_host; // as it goes into a URL
    std::atomic<bool> m_stopping{false};
    std::atomic<std::size_t> m_requests{0};
    std::mutex m_logMutex;
    std::list<std::unique_ptr<Connection>> m_connections;
};

/// The MIME type `parkatlas serve` sends for a file name ("index.html" → "text/html;
/// charset=utf-8", "1.pbf" → "application/x-protobuf"); application/octet-stream when unknown.
std::string mimeTypeOf(const std::string& fileName);

} // namespace parkatlas::geo
