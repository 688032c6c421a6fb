#include "geo/rules/finding_spill.h"

#include "geo/error.h"
#include "geo/rules/compliance.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <tuple>
#include <unistd.h>

namespace parkatlas::geo {

namespace {

// A record: every field in Finding's order, numbers in the machine's byte order (a spill never
// leaves the process that wrote it), texts and byte strings as a 32-bit length and the bytes.

template <typename T> void put(std::string& out, T value)
{
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void putBytes(std::string& out, const void* bytes, std::size_t size)
{
    put<std::uint32_t>(out, static_cast<std::uint32_t>(size));
    out.append(static_cast<const char*>(bytes), size);
}

void putText(std::string& out, const std::string& text)
{
    putBytes(out, text.data(), text.size());
}

class Reader {
public:
    Reader(const char* bytes, std::size_t size) : m_at(bytes), m_end(bytes + size) {}

    template <typename T> T get()
    {
        T value;
        need(sizeof value);
        std::memcpy(&value, m_at, sizeof value);
        m_at += sizeof value;
        return value;
    }
    void text(std::string& into)
    {
        const auto size = get<std::uint32_t>();
        need(size);
        into.assign(m_at, size);
        m_at += size;
    }
    void bytes(std::vector<unsigned char>& into)
    {
        const auto size = get<std::uint32_t>();
        need(size);
        into.assign(m_at, m_at + size);
        m_at += size;
    }
    bool done() const { return m_at == m_end; }

private:
    void need(std::size_t size) const
    {
        if (static_cast<std::size_t>(m_end - m_at) < size)
            throw IoError("a spilled finding is cut short (the temporary file was changed?)");
    }
    const char* m_at;
    const char* m_end;
};

constexpr std::uint8_t kUnknown = 0, kNumber = 1, kText = 2;

} // namespace

std::string encodeFinding(const Finding& f)
{
    std::string out;
    out.reserve(256 + f.reasonZh.size() + f.reasonEn.size() + f.geometryWkb.size());
    putText(out, f.rule);
    putText(out, f.layer);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(f.fids.size()));
    for (std::int64_t fid : f.fids)
        put(out, fid);
    putText(out, f.featureId);
    put(out, f.areaMu);
    putText(out, f.reasonZh);
    putText(out, f.reasonEn);
    putText(out, f.clause);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(f.evidence.size()));
    for (const Evidence& item : f.evidence) {
        putText(out, item.name);
        if (const double* number = std::get_if<double>(&item.value)) {
            put(out, kNumber);
            put(out, *number);
        } else if (const std::string* text = std::get_if<std::string>(&item.value)) {
            put(out, kText);
            putText(out, *text);
        } else {
            put(out, kUnknown);
        }
    }
    putBytes(out, f.geometryWkb.data(), f.geometryWkb.size());
    return out;
}

void decodeFinding(const char* bytes, std::size_t size, Finding& f)
{
    Reader in(bytes, size);
    in.text(f.rule);
    in.text(f.layer);
    f.fids.resize(in.get<std::uint32_t>());
    for (std::int64_t& fid : f.fids)
        fid = in.get<std::int64_t>();
    in.text(f.featureId);
    f.areaMu = in.get<double>();
    in.text(f.reasonZh);
    in.text(f.reasonEn);
    in.text(f.clause);
    f.evidence.resize(in.get<std::uint32_t>());
    for (Evidence& item : f.evidence) {
        in.text(item.name);
        switch (in.get<std::uint8_t>()) {
        case kNumber:
            item.value = in.get<double>();
            break;
        case kText: {
            std::string text;
            in.text(text);
            item.value = std::move(text);
            break;
        }
        default:
            item.value = std::monostate();
        }
    }
    in.bytes(f.geometryWkb);
    if (!in.done())
        throw IoError("a spilled finding has bytes after its end");
}

namespace {

/// Where the findings are spilled: $TMPDIR, else /tmp.
std::string spillFolder()
{
    const char* dir = std::getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

} // namespace

FindingSpill::FindingSpill()
{
    // In $TMPDIR (else /tmp), unlinked at once, so nothing is left behind even on a crash;
    // std::tmpfile() would ignore $TMPDIR, which is where a user with a small /tmp points
    // a check that spills a million findings.
    std::string pattern = spillFolder() + "/parkatlas-findings-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        throw IoError("cannot make a temporary file for the findings in '" + spillFolder() +
                      "' (set TMPDIR to use another folder): " + std::strerror(errno));
    ::unlink(pattern.c_str());
    m_file = ::fdopen(fd, "w+b");
    if (!m_file) {
        const int error = errno;
        ::close(fd);
        throw IoError(std::string("cannot make a temporary file for the findings: ") +
                      std::strerror(error));
    }
    std::setvbuf(m_file, nullptr, _IOFBF, 1 << 20);
}

FindingSpill::~FindingSpill()
{
    if (m_file)
        std::fclose(m_file);
}

void FindingSpill::add(const Finding& finding)
{
    Key key;
    key.ruleRank = complianceRuleRank(finding.rule);
    key.layerRank = complianceLayerRank(finding.layer);
    key.fidCount = static_cast<std::uint32_t>(finding.fids.size());
    if (!finding.fids.empty())
        key.fid0 = finding.fids[0];
    if (finding.fids.size() > 1)
        key.fid1 = finding.fids[1];
    append(encodeFinding(finding), finding.rule, key);
}

void FindingSpill::add(std::vector<Finding>& findings)
{
    for (const Finding& finding : findings)
        add(finding);
    findings.clear();
}

void FindingSpill::append(const std::string& record, const std::string& rule, Key key)
{
    std::lock_guard lock(m_mutex);
    const auto known = std::find(m_rules.begin(), m_rules.end(), rule);
    key.rule = static_cast<std::uint32_t>(known - m_rules.begin());
    if (known == m_rules.end())
        m_rules.push_back(rule);
    if (std::fwrite(record.data(), 1, record.size(), m_file) != record.size())
        throw IoError("cannot write the findings' temporary file in '" + spillFolder() +
                      "' (is the disk full? set TMPDIR to use another folder): " +
                      std::strerror(errno));
    key.offset = m_written;
    key.length = static_cast<std::uint32_t>(record.size());
    key.sequence = static_cast<std::uint32_t>(m_keys.size());
    m_written += record.size();
    m_keys.push_back(key);
    m_flushed = false;
}

void FindingSpill::flush() const
{
    std::lock_guard lock(m_mutex);
    if (m_flushed)
        return;
    if (std::fflush(m_file) != 0)
        throw IoError("cannot write the findings' temporary file in '" + spillFolder() +
                      "' (is the disk full? set TMPDIR to use another folder): " +
                      std::strerror(errno));
    m_flushed = true;
}

void FindingSpill::read(const Key& key, Finding& into) const
{
    flush();
    thread_local std::string buffer;
    buffer.resize(key.length);
    std::size_t done = 0;
    while (done < key.length) {
        const ssize_t got = ::pread(fileno(m_file), buffer.data() + done, key.length - done,
                                    static_cast<off_t>(key.offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            throw IoError(std::string("cannot read the findings' temporary file: ") +
                          (got < 0 ? std::strerror(errno) : "it is shorter than written"));
        done += static_cast<std::size_t>(got);
    }
    decodeFinding(buffer.data(), buffer.size(), into);
}

void FindingSpill::sortForCompliance()
{
    flush();
    // The keys decide almost every comparison; fids past the second and the English reason are
    // read back from the file only for findings equal up to there (a plot under two findings
    // of one rule, cannot_decide of several rules on one plot).
    Finding a, b;
    auto less = [&](const Key& x, const Key& y) {
        if (std::tie(x.ruleRank, x.layerRank) != std::tie(y.ruleRank, y.layerRank))
            return std::tie(x.ruleRank, x.layerRank) < std::tie(y.ruleRank, y.layerRank);
        const std::uint32_t inlineX = std::min(x.fidCount, 2u), inlineY = std::min(y.fidCount, 2u);
        const std::int64_t fx[2] = {x.fid0, x.fid1}, fy[2] = {y.fid0, y.fid1};
        const bool whole = x.fidCount <= 2 && y.fidCount <= 2;
        for (std::uint32_t i = 0; i < std::min(inlineX, inlineY); ++i)
            if (fx[i] != fy[i])
                return fx[i] < fy[i];
        if (whole && inlineX != inlineY)
            return inlineX < inlineY;
        read(x, a);
        read(y, b);
        if (a.fids != b.fids)
            return a.fids < b.fids;
        if (a.reasonEn != b.reasonEn)
            return a.reasonEn < b.reasonEn;
        return x.sequence < y.sequence;
    };
    // (The sequence makes every key distinct, so sort is as stable as stable_sort.)
    std::sort(m_keys.begin(), m_keys.end(), less);
}

std::size_t FindingSpill::size() const
{
    std::lock_guard lock(m_mutex);
    return m_keys.size();
}

std::uint64_t FindingSpill::bytes() const
{
    std::lock_guard lock(m_mutex);
    return m_written;
}

const Finding& FindingSpill::at(std::size_t index, Finding& scratch) const
{
    read(m_keys[index], scratch);
    return scratch;
}

const std::string& FindingSpill::ruleOf(std::size_t index, Finding&) const
{
    return m_rules[m_keys[index].rule];
}

} // namespace parkatlas::geo
