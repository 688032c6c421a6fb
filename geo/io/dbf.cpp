#include "geo/io/dbf.h"

#include "geo/error.h"

#include <cpl_vsi.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace parkatlas::geo {

namespace {
// GDAL's virtual file API, so that /vsizip/ and /vsimem/ paths work as well as plain files.
struct FileCloser {
    void operator()(VSILFILE* f) const noexcept { VSIFCloseL(f); }
};
using FilePtr = std::unique_ptr<VSILFILE, FileCloser>;

FilePtr openForReading(const std::string& path)
{
    FilePtr file(VSIFOpenL(path.c_str(), "rb"));
    if (!file)
        throw IoError("cannot open the .dbf for reading", {path, {}, -1, {}});
    return file;
}
} // namespace

DbfHeader readDbfHeader(const std::string& path)
{
    FilePtr file = openForReading(path);
    unsigned char head[32];
    if (VSIFReadL(head, 1, 32, file.get()) != 32)
        throw IoError("the .dbf is shorter than a dBASE header (32 bytes)", {path, {}, -1, {}});
    DbfHeader header;
    header.recordCount = static_cast<std::uint32_t>(head[4] | head[5] << 8 | head[6] << 16 |
                                                    static_cast<std::uint32_t>(head[7]) << 24);
    header.headerLength = static_cast<std::uint16_t>(head[8] | head[9] << 8);
    header.recordLength = static_cast<std::uint16_t>(head[10] | head[11] << 8);
    header.languageDriverId = head[29];
    if (header.headerLength < 33 || header.recordLength < 1)
        throw IoError("not a dBASE file (header length " + std::to_string(header.headerLength) +
                          ", record length " + std::to_string(header.recordLength) + ")",
                      {path, {}, -1, {}});
    int offset = 1; // deletion flag
    for (long pos = 32; pos + 32 <= header.headerLength; pos += 32) {
        unsigned char descriptor[32];
        if (VSIFReadL(descriptor, 1, 1, file.get()) != 1 || descriptor[0] == 0x0D)
            break;
        if (VSIFReadL(descriptor + 1, 1, 31, file.get()) != 31)
            break;
        DbfHeader::Field field;
        std::size_t nameLength = 0;
        while (nameLength < 11 && descriptor[nameLength] != 0)
            ++nameLength;
        field.rawName.assign(reinterpret_cast<const char*>(descriptor), nameLength);
        field.type = static_cast<char>(descriptor[11]);
        field.length = descriptor[16];
        field.decimals = descriptor[17];
        field.offset = offset;
        offset += field.length;
        header.fields.push_back(std::move(field));
    }
    return header;
}

std::string readDbfTextSample(const std::string& path, const DbfHeader& header,
                              std::size_t maxBytes)
{
    std::string sample;
    for (const auto& field : header.fields) {
        sample += field.rawName;
        sample += '\n';
    }
    bool anyText = false;
    for (const auto& field : header.fields)
        anyText = anyText || field.type == 'C';
    if (!anyText)
        return sample;

    FilePtr file = openForReading(path);
    if (VSIFSeekL(file.get(), header.headerLength, SEEK_SET) != 0)
        return sample;
    // Whole records, many at a time (one read per record costs more than the scan at 1M rows);
    // a short last block ends the sample where a record is cut, as reading one by one did.
    const std::size_t recordLength = header.recordLength;
    const std::size_t perBlock = std::max<std::size_t>(1, (256u << 10) / recordLength);
    std::vector<char> block(perBlock * recordLength);
    std::size_t bytesRead = 0;
    std::uint32_t r = 0;
    while (r < header.recordCount && bytesRead < maxBytes) {
        // No more records than the header counts, nor than the byte budget lets in (the
        // budget is checked before each record, so the last one may run past it).
        const std::size_t budgetRecords = (maxBytes - bytesRead + recordLength - 1) / recordLength;
        const std::size_t wanted = std::min<std::size_t>(
            {perBlock, static_cast<std::size_t>(header.recordCount - r), budgetRecords});
        const std::size_t got =
            VSIFReadL(block.data(), 1, wanted * recordLength, file.get()) / recordLength;
        for (std::size_t i = 0; i < got; ++i) {
            const char* record = block.data() + i * recordLength;
            bytesRead += recordLength;
            for (const auto& field : header.fields) {
                if (field.type != 'C' || field.offset + field.length > header.recordLength)
                    continue;
                std::size_t begin = field.offset;
                std::size_t end = field.offset + field.length;
                while (end > begin && (record[end - 1] == ' ' || record[end - 1] == '\0'))
                    --end;
                while (begin < end && record[begin] == ' ')
                    ++begin;
                if (end > begin) {
                    sample.append(record + begin, end - begin);
                    sample += '\n';
                }
            }
        }
        r += static_cast<std::uint32_t>(got);
        if (got < wanted)
            break; // truncated file
    }
    return sample;
}

} // namespace parkatlas::geo
