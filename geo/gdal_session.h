#pragma once

#include <string>
#include <vector>

namespace parkatlas::geo {

/// Registers GDAL's drivers once per process (thread-safe) and sets the options ParkAtlas
/// relies on. Every entry point into geo/io calls it; calling it again costs nothing.
void ensureGdal();

/// ensureGdal() for a command that opens `source` only: a shapefile (a file named .shp or .dbf)
/// needs GDAL's Shapefile driver alone, and registering just that one spares a short command
/// the start-up of GDAL's ~200 drivers (issue 21: `info` on a small file). Anything else, and
/// any later ensureGdal(), registers them all (the Shapefile driver is then first in GDAL's
/// list, as it is first of GDAL's vector drivers anyway).
void ensureGdalFor(const std::string& source);

/// Collects GDAL's errors and warnings raised on this thread while alive, instead of letting
/// GDAL print them to stderr, so they can be reported with the file, layer and feature.
class GdalErrorCapture {
public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture&) = delete;
    GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;

    struct Message {
        bool failure = false; // CE_Failure or worse; otherwise a warning
        std::string text;
    };
    const std::vector<Message>& messages() const { return m_messages; }
    /// Messages gathered since the last call, then forgets them.
    std::vector<Message> take();
    /// The last failure's text, or "" — for exceptions.
    std::string lastFailure() const;

private:
    static void handler(int errorClass, int errorNumber, const char* message);
    std::vector<Message> m_messages;
};

} // namespace parkatlas::geo
