#include "geo/publish/site_server.h"

#include "geo/error.h"
#include "geo/file_paths.h"

#include <cpl_conv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace parkatlas::geo {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxRequestHead = 8192; // request line and headers together
constexpr std::size_t kChunk = 64 * 1024;
constexpr int kPollMs = 100;

/// Closes a file descriptor once.
class Descriptor {
public:
    explicit Descriptor(int fd = -1) : m_fd(fd) {}
    ~Descriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

/// "Thu, 04 Dec 2026 22:45:53 GMT".
std::string httpDate(std::time_t when)
{
    std::tm utc{};
    gmtime_r(&when, &utc);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    return text;
}

const char* reasonOf(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 301:
        return "Moved Permanently";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

/// Sends all of `data`, waiting (in slices, so a stop is seen) while the client's window is
/// full; false when the client is gone, stalls past `timeout`, or the server stops.
bool sendAll(int socket, const char* data, std::size_t size, const std::atomic<bool>& stopping,
             std::chrono::milliseconds timeout)
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (size > 0) {
        const ssize_t sent = ::send(socket, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            data += sent;
            size -= static_cast<std::size_t>(sent);
            deadline = std::chrono::steady_clock::now() + timeout;
            continue;
        }
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return false;
        if (stopping || std::chrono::steady_clock::now() > deadline)
            return false;
        pollfd waiting{socket, POLLOUT, 0};
        ::poll(&waiting, 1, kPollMs);
    }
    return true;
}

/// "%2e%2E" → "..": percent-decoding of a path; nullopt for a bad escape or a NUL.
std::optional<std::string> percentDecoded(const std::string& text)
{
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            decoded += text[i];
            continue;
        }
        if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
            return std::nullopt;
        const char value = static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
        if (value == '\0')
            return std::nullopt;
        decoded += value;
        i += 2;
    }
    return decoded;
}

struct Request {
    std::string method;
    std::string target;
    std::string version;
    std::map<std::string, std::string> headers; // lower-case names
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body; // an error page or an inflated tile
    int file = -1;    // or the file to send (owned by the caller)
    std::size_t fileSize = 0;
    bool close = false;
};

bool isGzipFile(int fd)
{
    unsigned char magic[2] = {0, 0};
    return ::pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

bool acceptsGzip(const Request& request)
{
    const auto it = request.headers.find("accept-encoding");
    if (it == request.headers.end())
        return false;
    const std::string value = lower(it->second);
    std::size_t at = value.find("gzip");
    while (at != std::string::npos) {
        // "gzip;q=0" refuses it.
        const std::size_t end = value.find(',', at);
        const std::string part = value.substr(at, end == std::string::npos ? end : end - at);
        if (part.find("q=0") == std::string::npos || part.find("q=0.") != std::string::npos)
            return true;
        at = value.find("gzip", at + 4);
    }
    return false;
}

} // namespace

std::string mimeTypeOf(const std::string& fileName)
{
    static const std::map<std::string, std::string> types = {
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".pbf", "application/x-protobuf"},
        {".mvt", "application/vnd.mapbox-vector-tile"},
        {".pdf", "application/pdf"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".svg", "image/svg+xml"},
        {".ico", "image/x-icon"},
        {".webp", "image/webp"},
        {".txt", "text/plain; charset=utf-8"},
        {".csv", "text/csv; charset=utf-8"},
        {".woff", "font/woff"},
        {".woff2", "font/woff2"},
        {".ttf", "font/ttf"},
        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {".gpkg", "application/geopackage+sqlite3"},
    };
    const std::size_t dot = fileName.rfind('.');
    if (dot != std::string::npos && fileName.find('/', dot) == std::string::npos) {
        const auto it = types.find(lower(fileName.substr(dot)));
        if (it != types.end())
            return it->second;
    }
    return "application/octet-stream";
}

struct SiteServer::Connection {
    std::thread thread;
    std::atomic<bool> finished{false};
};

SiteServer::SiteServer(const std::string& root, const SiteServerOptions& options)
    : m_options(options)
{
    std::error_code error;
    const fs::path canonical = fs::canonical(utf8Path(root), error);
    if (error || !fs::is_directory(canonical, error))
        throw IoError("is not a folder that can be served", {root, {}, -1, {}});
    m_root = pathText(canonical);
    if (m_root.size() > 1 && m_root.back() == '/')
        m_root.pop_back();

    if (options.port < 0 || options.port > 65535)
        throw IoError("the port must be 0–65535, not " + std::to_string(options.port));
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(options.port);
    if (const int status =
            ::getaddrinfo(options.bindAddress.c_str(), service.c_str(), &hints, &found);
        status != 0 || !found)
        throw IoError("cannot listen on " + options.bindAddress + ": " + gai_strerror(status));
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> addresses(found, ::freeaddrinfo);
    std::string failure;
    for (const addrinfo* address = found; address; address = address->ai_next) {
        const int listener =
            ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol);
        if (listener < 0) {
            failure = std::strerror(errno);
            continue;
        }
        const int yes = 1;
        ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (::bind(listener, address->ai_addr, address->ai_addrlen) != 0 ||
            ::listen(listener, 128) != 0) {
            failure = errno == EADDRINUSE ? "the port is in use (choose another with --port)"
                      : errno == EACCES   ? "permission denied (ports under 1024 need root)"
                                          : std::strerror(errno);
            ::close(listener);
            continue;
        }
        m_listener = listener;
        sockaddr_storage bound{};
        socklen_t length = sizeof bound;
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&bound), &length);
        char host[NI_MAXHOST] = "";
        char port[NI_MAXSERV] = "";
        ::getnameinfo(reinterpret_cast<sockaddr*>(&bound), length, host, sizeof host, port,
                      sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
        m_port = std::atoi(port);
        m_host = bound.ss_family == AF_INET6 ? "[" + std::string(host) + "]" : std::string(host);
        break;
    }
    if (m_listener < 0)
        throw IoError("cannot listen on " + options.bindAddress + " port " + service + ": " +
                      failure);
}

SiteServer::~SiteServer()
{
    m_stopping = true;
    reapFinished(true);
    if (m_listener >= 0)
        ::close(m_listener);
}

std::string SiteServer::url() const
{
    return "http://" + m_host + ":" + std::to_string(m_port) + "/";
}

void SiteServer::log(const std::string& line)
{
    if (!m_options.log)
        return;
    const std::lock_guard<std::mutex> lock(m_logMutex);
    m_options.log(line);
}

void SiteServer::reapFinished(bool all)
{
    for (auto it = m_connections.begin(); it != m_connections.end();) {
        if (all || (*it)->finished) {
            if ((*it)->thread.joinable())
                (*it)->thread.join();
            it = m_connections.erase(it);
        } else {
            ++it;
        }
    }
}

void SiteServer::run(const std::function<bool()>& stopRequested)
{
    while (!m_stopping) {
        if (stopRequested && stopRequested()) {
            m_stopping = true;
            break;
        }
        reapFinished(false);
        pollfd waiting{m_listener, POLLIN, 0};
        const int ready = ::poll(&waiting, 1, kPollMs);
        if (ready <= 0 || !(waiting.revents & POLLIN))
            continue;
        const int socket = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (socket < 0)
            continue;
        if (m_connections.size() >= m_options.maxConnections) {
            static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                       "Retry-After: 1\r\nConnection: close\r\n\r\n";
            ::send(socket, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            ::close(socket);
            log("503: more than " + std::to_string(m_options.maxConnections) +
                " connections at once");
            continue;
        }
        auto connection = std::make_unique<Connection>();
        Connection* raw = connection.get();
        m_connections.push_back(std::move(connection));
        raw->thread = std::thread([this, socket, raw] {
            serveConnection(socket);
            raw->finished = true;
        });
    }
    reapFinished(true);
}

void SiteServer::serveConnection(int socketFd)
{
    // Closing with unread bytes from the client (the rest of a refused request) would reset the
    // connection and could lose the answer on its way: say we are done, read what is left for a
    // moment, then close.
    struct LingeringClose {
        int fd;
        ~LingeringClose()
        {
            ::shutdown(fd, SHUT_WR);
            char bytes[4096];
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
            std::size_t drained = 0;
            while (drained < (1u << 20) && std::chrono::steady_clock::now() < until) {
                pollfd waiting{fd, POLLIN, 0};
                if (::poll(&waiting, 1, kPollMs) <= 0)
                    continue;
                const ssize_t got = ::recv(fd, bytes, sizeof bytes, MSG_DONTWAIT);
                if (got <= 0)
                    break;
                drained += static_cast<std::size_t>(got);
            }
        }
    };
    const Descriptor socket(socketFd);
    const LingeringClose lingering{socketFd};
    const int yes = 1;
    ::setsockopt(socketFd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    std::string buffer;
    const auto sendTimeout = std::max(m_options.idleTimeout, std::chrono::milliseconds(30000));

    auto respond = [&](const Request* request, Response& response) -> bool {
        ++m_requests;
        const bool head = request && request->method == "HEAD";
        if (response.status >= 400) {
            log(std::to_string(response.status) + " " +
                (request ? request->method + " " + request->target : std::string("(no request)")));
            if (response.body.empty())
                response.body =
                    std::to_string(response.status) + " " + reasonOf(response.status) + "\n";
            response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
        }
        std::string text;
        text += "HTTP/1.1 " + std::to_string(response.status) + " " + reasonOf(response.status) +
                 "\r\n";
        text += "Date: " + httpDate(std::time(nullptr)) + "\r\n";
        text += "Server: parkatlas\r\n";
        text += "X-Content-Type-Options: nosniff\r\n";
        for (const auto& [name, value] : response.headers)
            text += name + ": " + value + "\r\n";
        const std::size_t length = response.file >= 0 ? response.fileSize : response.body.size();
        if (response.status != 304)
            text += "Content-Length: " + std::to_string(length) + "\r\n";
        text += response.close ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
        text += "\r\n";
        if (!head && response.status != 304 && response.file < 0)
            text += response.body;
        if (!sendAll(socketFd, text.data(), text.size(), m_stopping, sendTimeout))
            return false;
        if (head || response.status == 304 || response.file < 0)
            return true;
        std::vector<char> chunk(kChunk);
        std::size_t offset = 0;
        while (offset < response.fileSize) {
            const ssize_t got =
                ::pread(response.file, chunk.data(), std::min(kChunk, response.fileSize - offset),
                        static_cast<off_t>(offset));
            if (got <= 0)
                return false; // the file shrank: the client sees a short body and retries
            if (!sendAll(socketFd, chunk.data(), static_cast<std::size_t>(got), m_stopping,
                         sendTimeout))
                return false;
            offset += static_cast<std::size_t>(got);
        }
        return true;
    };
    auto fail = [&](const Request* request, int status) {
        Response response;
        response.status = status;
        response.close = true;
        if (status == 405)
            response.headers.emplace_back("Allow", "GET, HEAD");
        respond(request, response);
    };

    while (!m_stopping) {
        // The request's head: up to an empty line, within kMaxRequestHead bytes and the idle
        // timeout.
        std::size_t end = buffer.find("\r\n\r\n");
        auto deadline = std::chrono::steady_clock::now() + m_options.idleTimeout;
        while (end == std::string::npos) {
            if (buffer.size() > kMaxRequestHead) {
                const std::size_t lineEnd = buffer.find("\r\n");
                fail(nullptr,
                     lineEnd == std::string::npos || lineEnd > kMaxRequestHead ? 414 : 431);
                return;
            }
            if (m_stopping)
                return;
            if (std::chrono::steady_clock::now() > deadline) {
                if (!buffer.empty())
                    fail(nullptr, 408);
                return;
            }
            pollfd waiting{socketFd, POLLIN, 0};
            if (::poll(&waiting, 1, kPollMs) <= 0)
                continue;
            char bytes[4096];
            const ssize_t got = ::recv(socketFd, bytes, sizeof bytes, MSG_DONTWAIT);
            if (got == 0)
                return;
            if (got < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    continue;
                return;
            }
            buffer.append(bytes, static_cast<std::size_t>(got));
            end = buffer.find("\r\n\r\n");
        }
        if (end > kMaxRequestHead) {
            fail(nullptr, 431);
            return;
        }
        const std::string head = buffer.substr(0, end);
        buffer.erase(0, end + 4);

        Request request;
        std::size_t lineEnd = head.find("\r\n");
        const std::string line = head.substr(0, lineEnd);
        {
            const std::size_t first = line.find(' ');
            const std::size_t second =
                first == std::string::npos ? first : line.find(' ', first + 1);
            if (first == std::string::npos || second == std::string::npos ||
                line.find(' ', second + 1) != std::string::npos) {
                fail(nullptr, 400);
                return;
            }
            request.method = line.substr(0, first);
            request.target = line.substr(first + 1, second - first - 1);
            request.version = line.substr(second + 1);
        }
        if (request.version != "HTTP/1.1" && request.version != "HTTP/1.0") {
            fail(&request, request.version.rfind("HTTP/", 0) == 0 ? 505 : 400);
            return;
        }
        while (lineEnd != std::string::npos) {
            const std::size_t next = head.find("\r\n", lineEnd + 2);
            const std::string field = head.substr(
                lineEnd + 2, next == std::string::npos ? std::string::npos : next - lineEnd - 2);
            lineEnd = next;
            const std::size_t colon = field.find(':');
            if (colon == std::string::npos || colon == 0 || field.find_first_of(" \t") < colon) {
                fail(&request, 400);
                return;
            }
            request.headers[lower(field.substr(0, colon))] = trim(field.substr(colon + 1));
        }
        const auto header = [&request](const char* name) -> std::string {
            const auto it = request.headers.find(name);
            return it == request.headers.end() ? std::string() : it->second;
        };
        // No request here has a body: one that comes with one is refused and the connection
        // closed (its bytes would otherwise be read as the next request).
        if (!header("transfer-encoding").empty() ||
            (!header("content-length").empty() && header("content-length") != "0")) {
            fail(&request, request.method == "GET" || request.method == "HEAD" ? 413 : 405);
            return;
        }
        if (request.method != "GET" && request.method != "HEAD") {
            fail(&request, 405);
            return;
        }
        const bool keepAlive = request.version == "HTTP/1.1"
                                   ? lower(header("connection")) != "close"
                                   : lower(header("connection")) == "keep-alive";

        // The path: origin-form only ("/a/b?q"), decoded, every segment a plain name.
        std::string target = request.target;
        target = target.substr(0, target.find_first_of("?#"));
        if (target.empty() || target[0] != '/') {
            fail(&request, 400);
            return;
        }
        const auto decoded = percentDecoded(target);
        if (!decoded || decoded->find('\\') != std::string::npos) {
            fail(&request, 400);
            return;
        }
        std::vector<std::string> segments;
        bool forbidden = false;
        bool hidden = false;
        for (std::size_t at = 1; at <= decoded->size();) {
            const std::size_t slash = decoded->find('/', at);
            const std::string segment =
                decoded->substr(at, slash == std::string::npos ? std::string::npos : slash - at);
            at = slash == std::string::npos ? decoded->size() + 1 : slash + 1;
            if (segment.empty() || segment == ".")
                continue;
            if (segment == "..")
                forbidden = true;
            else if (segment[0] == '.')
                hidden = true;
            segments.push_back(segment);
        }
        if (forbidden) {
            fail(&request, 403);
            return;
        }

        Response response;
        response.close = !keepAlive;
        std::string path = m_root;
        for (const std::string& segment : segments)
            path += "/" + segment;
        struct stat info {};
        int status = hidden ? 404 : 0;
        if (!status) {
            // Resolve links and check the file is inside the root.
            char resolved[PATH_MAX];
            if (!::realpath(path.c_str(), resolved)) {
                status = 404;
            } else {
                const std::string real = resolved;
                if (real != m_root && real.rfind(m_root + "/", 0) != 0)
                    status = 404;
                else if (::stat(resolved, &info) != 0)
                    status = 404;
                else if (S_ISDIR(info.st_mode)) {
                    if (decoded->back() != '/') {
                        response.status = 301;
                        response.headers.emplace_back("Location", target + "/");
                        response.body.clear();
                        if (!respond(&request, response) || response.close)
                            return;
                        continue;
                    }
                    path = real + "/index.html";
                    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
                        status = 404; // no directory listing
                } else {
                    path = real;
                }
                if (!status && !S_ISREG(info.st_mode))
                    status = 404;
            }
        }
        const Descriptor file(status ? -1 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!status && file.get() < 0)
            status = errno == EACCES ? 403 : 404;
        if (status) {
            Response error;
            error.status = status;
            error.close = !keepAlive;
            if (!respond(&request, error) || error.close)
                return;
            continue;
        }
        ::fstat(file.get(), &info);
        const std::string etag = "\"" + std::to_string(static_cast<long long>(info.st_size)) + "-" +
                                 std::to_string(static_cast<long long>(info.st_mtim.tv_sec)) +
                                 std::to_string(info.st_mtim.tv_nsec) + "\"";
        response.headers.emplace_back("Content-Type", mimeTypeOf(path));
        response.headers.emplace_back("Cache-Control", "no-cache");
        response.headers.emplace_back("ETag", etag);
        response.headers.emplace_back("Last-Modified", httpDate(info.st_mtim.tv_sec));
        const bool compressed = mimeTypeOf(path) == "application/x-protobuf" && info.st_size > 2 &&
                                isGzipFile(file.get());
        if (compressed)
            response.headers.emplace_back("Vary", "Accept-Encoding");
        if (header("if-none-match") == etag) {
            response.status = 304;
        } else if (compressed && !acceptsGzip(request)) {
            // A client that does not take gzip gets the tile inflated.
            std::string packed(static_cast<std::size_t>(info.st_size), '\0');
            if (::pread(file.get(), packed.data(), packed.size(), 0) != info.st_size) {
                fail(&request, 500);
                return;
            }
            std::size_t size = 0;
            void* inflated = CPLZLibInflate(packed.data(), packed.size(), nullptr, 0, &size);
            if (!inflated) {
                fail(&request, 500);
                return;
            }
            response.body.assign(static_cast<const char*>(inflated), size);
            CPLFree(inflated);
        } else {
            if (compressed)
                response.headers.emplace_back("Content-Encoding", "gzip");
            response.file = file.get();
            response.fileSize = static_cast<std::size_t>(info.st_size);
        }
        if (!respond(&request, response) || response.close)
            return;
    }
}

} // namespace parkatlas::geo
