// shp_floor: the floor of the area benchmark. Reads a polygon shapefile's .shp bytes and sums
// the shoelace over every ring: no GDAL, no projection, no allocation per feature, one thread.
// It is the time a perfect implementation needs just to touch the data (DESIGN.md,
// "Performance budgets").
//
//   shp_floor FILE.shp [--read]     mmap (default) or read() the whole file
//
// Prints: parcels, rings, vertices, planar area in m² (outer rings count positive, holes
// negative, as the shapefile's ring orientation says: outer rings clockwise).

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

std::int32_t be32(const unsigned char* p)
{
    return static_cast<std::int32_t>((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                     (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]});
}
std::int32_t le32(const unsigned char* p)
{
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
double le64f(const unsigned char* p)
{
    double v;
    std::memcpy(&v, p, 8);
    return v;
}

[[noreturn]] void fail(const char* what, const char* path)
{
    std::fprintf(stderr, "shp_floor: %s: %s\n", path, what);
    std::exit(2);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && std::strcmp(argv[2], "--read") != 0)) {
        std::fprintf(stderr, "usage: shp_floor FILE.shp [--read]\n");
        return 2;
    }
    const char* path = argv[1];
    const bool useRead = argc == 3;
    const auto start = std::chrono::steady_clock::now();

    const int fd = ::open(path, O_RDONLY);
    if (fd < 0)
        fail(std::strerror(errno), path);
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        fail(std::strerror(errno), path);
    const std::size_t size = static_cast<std::size_t>(st.st_size);
    if (size < 100)
        fail("not a shapefile (shorter than its header)", path);

    const unsigned char* data = nullptr;
    std::vector<unsigned char> buffer;
    void* mapped = MAP_FAILED;
    if (useRead) {
        buffer.resize(size);
        std::size_t done = 0;
        while (done < size) {
            const ssize_t n = ::read(fd, buffer.data() + done, size - done);
            if (n <= 0)
                fail(n == 0 ? "short read" : std::strerror(errno), path);
            done += static_cast<std::size_t>(n);
        }
        data = buffer.data();
    } else {
        mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (mapped == MAP_FAILED)
            fail(std::strerror(errno), path);
        ::madvise(mapped, size, MADV_SEQUENTIAL);
        data = static_cast<const unsigned char*>(mapped);
    }
    if (be32(data) != 9994)
        fail("not a shapefile (bad file code)", path);

    std::int64_t features = 0, rings = 0, vertices = 0;
    double total = 0; // m², outer positive, holes negative
    std::size_t pos = 100;
    while (pos + 8 <= size) {
        const std::size_t contentBytes = static_cast<std::size_t>(be32(data + pos + 4)) * 2;
        const unsigned char* rec = data + pos + 8;
        pos += 8 + contentBytes;
        if (pos > size)
            fail("truncated record", path);
        ++features;
        if (contentBytes < 4)
            continue;
        const std::int32_t type = le32(rec);
        if (type == 0)
            continue; // null shape
        if (type != 5 && type != 15 && type != 25)
            fail("not a polygon shapefile", path);
        const std::int32_t numParts = le32(rec + 36);
        const std::int32_t numPoints = le32(rec + 40);
        const unsigned char* parts = rec + 44;
        const unsigned char* points = parts + 4 * static_cast<std::size_t>(numParts);
        if (44 + 4 * static_cast<std::size_t>(numParts) + 16 * static_cast<std::size_t>(numPoints) >
            contentBytes)
            fail("record shorter than its points", path);
        rings += numParts;
        vertices += numPoints;
        for (std::int32_t r = 0; r < numParts; ++r) {
            const std::int32_t begin = le32(parts + 4 * r);
            const std::int32_t end = r + 1 < numParts ? le32(parts + 4 * (r + 1)) : numPoints;
            if (begin < 0 || end > numPoints || end - begin < 3)
                continue;
            // Relative to the ring's first vertex: no cancellation at 3,375,000 m northings.
            const unsigned char* p = points + 16 * static_cast<std::size_t>(begin);
            const double ox = le64f(p), oy = le64f(p + 8);
            double sum = 0, px = 0, py = 0;
            for (std::int32_t v = begin + 1; v < end; ++v) {
                p += 16;
                const double x = le64f(p) - ox, y = le64f(p + 8) - oy;
                sum += px * y - x * py;
                px = x;
                py = y;
            }
            total -= sum / 2; // clockwise (outer) rings have a negative shoelace
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (mapped != MAP_FAILED)
        ::munmap(mapped, size);
    ::close(fd);
    std::printf("{\"features\": %" PRId64 ", \"rings\": %" PRId64 ", \"vertices\": %" PRId64
                ", \"planar_area_m2\": %.6f, \"seconds\": %.6f}\n",
                features, rings, vertices, total, seconds);
    return 0;
}
