#pragma once

#include "geo/message.h"

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
    /// The message by id and parts (geo/message.h), so that it can be said in the user's
    /// language (geo::errorMessage); message() is its English.
    explicit Error(Message said, ErrorContext context = {});

    const std::string& message() const noexcept { return m_message; }
    const ErrorContext& context() const noexcept { return m_context; }
    /// The message's id and parts; an empty id when the error was made from text alone.
    const std::string& messageId() const noexcept { return m_messageId; }
    const std::vector<MessagePart>& messageParts() const noexcept { return m_messageParts; }

private:
    std::string m_message;
    ErrorContext m_context;
    std::string m_messageId;
    std::vector<MessagePart> m_messageParts;
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
