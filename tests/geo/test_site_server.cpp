#include "geo/error.h"
#include "geo/publish/site_server.h"

#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <cpl_conv.h>
#include <cpl_vsi.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace parkatlas::geo {
namespace {

namespace fs = std::filesystem;

void writeFile(const fs::path& path, const std::string& bytes)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

/// gzip bytes of `text`, as GDAL's MVT writer compresses a tile.
std::string gzipped(const std::string& text)
{
    const std::string name = "/vsimem/site_server_test.gz";
    VSILFILE* file = VSIFOpenL(("/vsigzip/" + name).c_str(), "wb");
    VSIFWriteL(text.data(), 1, text.size(), file);
    VSIFCloseL(file);
    vsi_l_offset size = 0;
    GByte* bytes = VSIGetMemFileBuffer(name.c_str(), &size, false);
    std::string result(reinterpret_cast<char*>(bytes), static_cast<std::size_t>(size));
    VSIUnlink(name.c_str());
    return result;
}

/// A site to serve, a secret beside it (outside the root) and a server running on a free port.
class SiteServerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        const fs::path scratch = test::scratch("site-server");
        m_root = scratch / "site";
        writeFile(m_root / "index.html", "<!DOCTYPE html><title>园区</title>");
        writeFile(m_root / "app.js", "'use strict';");
        writeFile(m_root / "data" / "site.json", "{\"title\":\"园区\"}");
        writeFile(m_root / "tiles" / "3" / "1" / "2.pbf", std::string("\x1a\x03raw", 5));
        writeFile(m_root / "tiles" / "4" / "2" / "3.pbf", gzipped(m_tilePayload));
        writeFile(m_root / "reports" / "01_用地现状图.pdf", "%PDF-1.4 fake");
        writeFile(m_root / ".hidden", "hidden");
        writeFile(m_root / "empty" / "note.txt", "no index here");
        writeFile(scratch / "secret.txt", "SECRET");
        fs::create_directory_symlink(scratch, m_root / "escape");

        SiteServerOptions options;
        options.port = 0;
        options.idleTimeout = std::chrono::milliseconds(3000);
        options.log = [this](const std::string& line) { m_log += line + "\n"; };
        m_server = std::make_unique<SiteServer>(m_root.string(), options);
        m_thread = std::thread([this] { m_server->run(); });
    }
    void TearDown() override
    {
        m_server->stop();
        m_thread.join();
    }

    /// Sends `request` as it is and returns everything the server answers until it closes the
    /// connection or a second passes without a byte.
    std::string exchange(const std::string& request)
    {
        const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(m_server->port()));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::connect(socket, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        ::send(socket, request.data(), request.size(), MSG_NOSIGNAL);
        std::string answer;
        char bytes[8192];
        while (true) {
            pollfd waiting{socket, POLLIN, 0};
            if (::poll(&waiting, 1, 5000) <= 0)
                break;
            const ssize_t got = ::recv(socket, bytes, sizeof bytes, 0);
            if (got <= 0)
                break;
            answer.append(bytes, static_cast<std::size_t>(got));
        }
        ::close(socket);
        return answer;
    }
    std::string get(const std::string& target, const std::string& headers = {})
    {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                        headers + "\r\n");
    }
    static std::string statusLine(const std::string& answer)
    {
        return answer.substr(0, answer.find("\r\n"));
    }
    static std::string body(const std::string& answer)
    {
        const auto end = answer.find("\r\n\r\n");
        return end == std::string::npos ? std::string() : answer.substr(end + 4);
    }

    fs::path m_root;
    const std::string m_tilePayload = std::string("\x1a\x07parcels", 9);
    std::string m_log;
    std::unique_ptr<SiteServer> m_server;
    std::thread m_thread;
};

TEST_F(SiteServerTest, ServesTheSitesFilesWithTheirTypesAndCachingHeaders)
{
    const std::string page = get("/");
    EXPECT_EQ(statusLine(page), "HTTP/1.1 200 OK");
    EXPECT_NE(page.find("Content-Type: text/html; charset=utf-8"), std::string::npos) << page;
    EXPECT_NE(page.find("Cache-Control: no-cache"), std::string::npos);
    EXPECT_EQ(body(page), "<!DOCTYPE html><title>园区</title>");
    EXPECT_NE(get("/app.js").find("Content-Type: text/javascript"), std::string::npos);
    EXPECT_NE(get("/data/site.json?v=1").find("Content-Type: application/json"), std::string::npos);
    const std::string tile = get("/tiles/3/1/2.pbf");
    EXPECT_NE(tile.find("Content-Type: application/x-protobuf"), std::string::npos);
    EXPECT_EQ(tile.find("Content-Encoding"), std::string::npos) << "an uncompressed tile";
    EXPECT_EQ(body(tile), std::string("\x1a\x03raw", 5));
    // A UTF-8 name, percent-encoded as the page's link has it.
    const std::string pdf = get("/reports/01_%E7%94%A8%E5%9C%B0%E7%8E%B0%E7%8A%B6%E5%9B%BE.pdf");
    EXPECT_EQ(statusLine(pdf), "HTTP/1.1 200 OK");
    EXPECT_NE(pdf.find("Content-Type: application/pdf"), std::string::npos);

    // Revalidation: the same ETag gets 304 and no body.
    const auto at = page.find("ETag: ");
    ASSERT_NE(at, std::string::npos);
    const std::string etag = page.substr(at + 6, page.find("\r\n", at) - at - 6);
    const std::string again = get("/index.html", "If-None-Match: " + etag + "\r\n");
    EXPECT_EQ(statusLine(again), "HTTP/1.1 304 Not Modified");
    EXPECT_TRUE(body(again).empty());
    // HEAD: the headers, no body.
    const std::string head = exchange("HEAD /index.html HTTP/1.1\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(statusLine(head), "HTTP/1.1 200 OK");
    EXPECT_TRUE(body(head).empty());
}

TEST_F(SiteServerTest, ACompressedTileGoesOutGzipEncodedOrInflated)
{
    const std::string packed = get("/tiles/4/2/3.pbf", "Accept-Encoding: gzip, deflate\r\n");
    EXPECT_NE(packed.find("Content-Encoding: gzip"), std::string::npos) << packed;
    EXPECT_NE(packed.find("Vary: Accept-Encoding"), std::string::npos);
    EXPECT_EQ(body(packed), gzipped(m_tilePayload));
    const std::string plain = get("/tiles/4/2/3.pbf");
    EXPECT_EQ(plain.find("Content-Encoding"), std::string::npos);
    EXPECT_EQ(body(plain), m_tilePayload);
}

TEST_F(SiteServerTest, NothingOutsideTheFolderNoListingNoHiddenFiles)
{
    for (const char* target :
         {"/../secret.txt", "/%2e%2e/secret.txt", "/data/../../secret.txt", "/%2E%2E%2Fsecret.txt"})
        EXPECT_EQ(statusLine(get(target)), "HTTP/1.1 403 Forbidden") << target;
    // A link out of the folder, an absolute path, a hidden file, a folder without index.html.
    for (const char* target : {"/escape/secret.txt", "//etc/passwd", "/etc/passwd", "/.hidden",
                               "/empty/", "/no-such-file.js"})
        EXPECT_EQ(statusLine(get(target)), "HTTP/1.1 404 Not Found") << target;
    EXPECT_EQ(statusLine(get("/empty")), "HTTP/1.1 301 Moved Permanently");
    for (const char* target :
         {"http://example.com/etc/passwd", "secret.txt", "/a%zz", "/a%00b", "/a\\..\\secret.txt"})
        EXPECT_EQ(statusLine(get(target)), "HTTP/1.1 400 Bad Request") << target;
    for (const std::string& answer : {get("/../secret.txt"), get("/escape/secret.txt")})
        EXPECT_EQ(answer.find("SECRET"), std::string::npos);
    EXPECT_NE(m_log.find("403 GET /../secret.txt"), std::string::npos) << m_log;
}

TEST_F(SiteServerTest, MalformedHugeOrWritingRequestsGetA4xx)
{
    EXPECT_EQ(statusLine(exchange("POST /index.html HTTP/1.1\r\nContent-Length: 0\r\n\r\n")),
              "HTTP/1.1 405 Method Not Allowed");
    EXPECT_EQ(statusLine(exchange("PUT /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd")),
              "HTTP/1.1 405 Method Not Allowed");
    EXPECT_EQ(statusLine(exchange("DELETE /index.html HTTP/1.1\r\n\r\n")),
              "HTTP/1.1 405 Method Not Allowed");
    EXPECT_TRUE(fs::exists(m_root / "index.html"));
    EXPECT_EQ(statusLine(exchange("GARBAGE\r\n\r\n")), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(statusLine(exchange("GET / SPDY/9\r\n\r\n")), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(statusLine(exchange("GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n")),
              "HTTP/1.1 414 URI Too Long");
    EXPECT_EQ(
        statusLine(exchange("GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n")),
        "HTTP/1.1 431 Request Header Fields Too Large");
    // Still serving after all that.
    EXPECT_EQ(statusLine(get("/")), "HTTP/1.1 200 OK");
}

TEST_F(SiteServerTest, KeepsAConnectionForSeveralRequests)
{
    const std::string answers = exchange("GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n"
                                         "GET /data/site.json HTTP/1.1\r\nHost: x\r\n"
                                         "Connection: close\r\n\r\n");
    EXPECT_EQ(answers.find("HTTP/1.1 200 OK"), 0u);
    EXPECT_NE(answers.find("HTTP/1.1 200 OK", 10), std::string::npos) << answers;
    EXPECT_NE(answers.find("{\"title\":\"园区\"}"), std::string::npos);
}

TEST(SiteServerSetupTest, APortInUseOrAFileIsAClearError)
{
    const fs::path root = test::scratch("site-server-setup");
    SiteServerOptions options;
    options.port = 0;
    SiteServer first(root.string(), options);
    options.port = first.port();
    try {
        SiteServer second(root.string(), options);
        FAIL() << "a second server on port " << options.port;
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("in use"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find(std::to_string(options.port)), std::string::npos);
    }
    writeFile(root / "file.txt", "x");
    options.port = 0;
    EXPECT_THROW(SiteServer((root / "file.txt").string(), options), IoError);
    EXPECT_THROW(SiteServer((root / "missing").string(), options), IoError);
}

} // namespace
} // namespace parkatlas::geo
