#pragma once

#include "geo/rules/finding.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// Findings read one at a time, wherever they are kept: a list in memory (FindingList) or a
/// spill on disk (FindingSpill). What the writers (findings_io.h) and the totals
/// (findings_total.h) read, so that a check of a million plots never holds its findings with
/// their geometries.
class FindingSource {
public:
    virtual ~FindingSource() = default;
    virtual std::size_t size() const = 0;
    /// Finding `index`: a reference into the source when it holds its findings, else `scratch`
    /// filled from where they are kept. Thread-safe for different scratch objects.
    virtual const Finding& at(std::size_t index, Finding& scratch) const = 0;
    /// The rule of finding `index` (at(index, scratch).rule, which a source that knows it
    /// without reading the finding back answers without). Thread-safe as at().
    virtual const std::string& ruleOf(std::size_t index, Finding& scratch) const
    {
        return at(index, scratch).rule;
    }
};

/// A list of findings in memory as a FindingSource (it does not own them).
class FindingList final : public FindingSource {
public:
    explicit FindingList(const std::vector<Finding>& findings) : m_findings(findings) {}
    std::size_t size() const override { return m_findings.size(); }
    const Finding& at(std::size_t index, Finding&) const override { return m_findings[index]; }

private:
    const std::vector<Finding>& m_findings;
};

/// Findings written to a temporary file as they are made (the file is unlinked at once, so it
/// goes with the process however it ends), with only a small sort key per finding in memory
/// (about 50 bytes, against the kilobyte or so of a finding with its reasons and geometry).
/// sortForCompliance() puts them in sortComplianceFindings's order; at() reads one back.
///
/// Thread-safety: add() may be called from several threads at once (the records are appended
/// under a lock, in the order the calls take it); sortForCompliance() from one thread when no
/// add() runs; at() and size() from any thread after that. Throws IoError when the temporary
/// file cannot be made or written (a full disk).
class FindingSpill final : public FindingSource {
public:
    FindingSpill();
    ~FindingSpill() override;
    FindingSpill(const FindingSpill&) = delete;
    FindingSpill& operator=(const FindingSpill&) = delete;

    void add(const Finding& finding);
    /// Adds every finding of `findings`, in order, and empties it.
    void add(std::vector<Finding>& findings);

    /// By rule (allComplianceRules() order, land_use_too_coarse after land_use_mismatch,
    /// cannot_decide and unknown rules last), layer role, fids, English reason, then the order
    /// they were added in: sortComplianceFindings's order for findings added in the order of a
    /// list.
    void sortForCompliance();

    std::size_t size() const override;
    const Finding& at(std::size_t index, Finding& scratch) const override;
    /// From the sort key, without reading the finding back.
    const std::string& ruleOf(std::size_t index, Finding& scratch) const override;
    /// Bytes written to the temporary file so far.
    std::uint64_t bytes() const;

private:
    struct Key {
        std::uint64_t offset = 0;
        std::uint32_t length = 0;
        std::uint32_t sequence = 0; // the order added in
        std::int32_t ruleRank = 0;
        std::int32_t layerRank = 0;
        std::int64_t fid0 = 0, fid1 = 0;
        std::uint32_t fidCount = 0;
        std::uint32_t rule = 0; // in m_rules
    };
    void append(const std::string& record, const std::string& rule, Key key);
    void read(const Key& key, Finding& into) const;
    void flush() const;

    std::FILE* m_file = nullptr;
    mutable std::mutex m_mutex;
    std::vector<Key> m_keys;
    std::vector<std::string> m_rules; // the rules' names, each once (a dozen)
    std::uint64_t m_written = 0;
    mutable bool m_flushed = true;
};

/// The serialised form of one finding in a spill (exposed for the tests: encode then decode
/// gives back the same finding).
std::string encodeFinding(const Finding& finding);
/// Throws IoError when `bytes` is not a whole record.
void decodeFinding(const char* bytes, std::size_t size, Finding& into);

} // namespace parkatlas::geo
