#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// The parts of a dBASE header that decide how to decode its text, read without GDAL (GDAL
/// does not expose the raw language driver byte or the undecoded bytes).
struct DbfHeader {
    struct Field {
        std::string rawName; // bytes as stored, in the file's encoding
        char type = 'C';
        int length = 0;
        int decimals = 0;
        int offset = 0; // within a record, after the deletion flag
    };
    std::uint8_t languageDriverId = 0;
    std::uint32_t recordCount = 0;
    std::uint16_t headerLength = 0;
    std::uint16_t recordLength = 0;
    std::vector<Field> fields;
};

/// Reads the header of `path`. Throws IoError (naming the file) if it is not a DBF.
DbfHeader readDbfHeader(const std::string& path);

/// The raw bytes of the field names and of the text (type C) values of up to `maxBytes` of
/// records, each value trimmed and followed by '\n', for encoding detection. Stops quietly at a
/// truncated file.
std::string readDbfTextSample(const std::string& path, const DbfHeader& header,
                              std::size_t maxBytes = 4 << 20);

} // namespace parkatlas::geo
