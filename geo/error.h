#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace parkatlas::geo {

/// Where a failure happened: the file, the layer, the feature and the field, as far as known.
/// An empty string or a negative fid means "not known / not applicable".
struct ErrorContext {
    std::string path;
    std::string layer;
    std::int64_t fid = -1;
    std::string field;
};

/// "file 'a.shp', layer 'parcels', feature 12, field 'QLR'" — the parts that are known.
std::string describeContext(const ErrorContext& context);

/// The one exception family of geo/. what() reads "<context>: <message>", so a caller that
/// only prints what() still names the file, the layer and the feature.
class Error : public std::runtime_error {
public:
    explicit Error(std::string message, ErrorContext context = {});

    const std::string& message() const noexcept { return m_message; }
    const ErrorContext& context() const noexcept { return m_context; }

private:
    std::string m_message;
    ErrorContext m_context;
};

/// A file cannot be opened, read or written (carries GDAL's own message where there is one).
class IoError : public Error {
public:
    using Error::Error;
};

/// A coordinate reference system is missing, unknown or cannot be transformed.
class CrsError : public Error {
public:
    using Error::Error;
};

/// A geometry cannot be used for what was asked (for instance planar area on degrees).
class GeometryError : public Error {
public:
    using Error::Error;
};

} // namespace parkatlas::geo
