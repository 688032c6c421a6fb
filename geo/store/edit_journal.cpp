#include "geo/store/edit_journal.h"

#include "geo/gdal_session.h"
#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"

#include <cpl_json.h>

#include <cerrno>
#include <cstring>

#include <fstream>
#include <iterator>
#include <sstream>

namespace parkatlas::geo {

namespace {

constexpr const char* kFormat = "parkatlas edit journal";
constexpr int kVersion = 1;

const char* kindName(FeatureChange::Kind kind)
{
    switch (kind) {
    case FeatureChange::Kind::Insert:
        return "insert";
    case FeatureChange::Kind::Update:
        return "update";
    case FeatureChange::Kind::Delete:
        return "delete";
    }
    return "update";
}

std::string toHex(const std::vector<unsigned char>& bytes)
{
    static const char kDigits[] = "0123456789ABCDEF";
    std::string hex;
    hex.reserve(2 * bytes.size());
    for (unsigned char b : bytes) {
        hex.push_back(kDigits[b >> 4]);
        hex.push_back(kDigits[b & 0xF]);
    }
    return hex;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/// Reads one journal; every problem throws IoError naming the file.
class JournalReader {
public:
    explicit JournalReader(const std::string& path) : m_path(path) {}

    EditJournal read()
    {
        std::ifstream in(m_path, std::ios::binary);
        if (!in)
            fail(std::string("cannot open the edit journal: ") + std::strerror(errno));
        const std::string content((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
        if (in.bad())
            fail("cannot read the edit journal");
        if (content.empty())
            fail("the edit journal is empty");
        CPLJSONDocument document;
        {
            GdalErrorCapture errors;
            if (!document.LoadMemory(content)) {
                std::string why = errors.lastFailure();
                // json-c says "continue" when the text stops before the JSON is complete.
                const std::size_t cut = why.find("JSON parsing error: continue");
                if (cut != std::string::npos)
                    why.replace(cut, 28, "it ends early (a truncated file?)");
                fail("the edit journal is not valid JSON" + (why.empty() ? "" : ": " + why));
            }
        }
        const CPLJSONObject root = document.GetRoot();
        if (root.GetType() != CPLJSONObject::Type::Object)
            fail("the edit journal is not a JSON object");
        if (root.GetString("format") != kFormat)
            fail(std::string("not an edit journal (no \"format\": \"") + kFormat + "\")");
        const CPLJSONObject version = root.GetObj("version");
        if (!isInteger(version) || version.ToLong() < 1 || version.ToLong() > kVersion)
            fail("the edit journal's version is not " + std::to_string(kVersion) +
                 " (written by another ParkAtlas?)");

        EditJournal journal;
        journal.store = text(root, "store", "", true);
        journal.layer = text(root, "layer", "", true);
        journal.schema = text(root, "schema", "", false);
        journal.written = text(root, "written", "", false);
        const CPLJSONObject sources = root.GetObj("sources");
        if (sources.IsValid()) {
            if (sources.GetType() != CPLJSONObject::Type::Array)
                fail("\"sources\" is not a list");
            const CPLJSONArray list = sources.ToArray();
            for (int i = 0; i < list.Size(); ++i) {
                if (list[i].GetType() != CPLJSONObject::Type::String)
                    fail("source " + std::to_string(i + 1) + " is not a string");
                journal.sources.push_back(list[i].ToString());
            }
        }
        const CPLJSONObject changes = root.GetObj("changes");
        if (changes.GetType() != CPLJSONObject::Type::Array)
            fail("the edit journal has no \"changes\" list");
        const CPLJSONArray list = changes.ToArray();
        for (int i = 0; i < list.Size(); ++i)
            journal.changes.push_back(change(list[i], i + 1));
        return journal;
    }

private:
    [[noreturn]] void fail(const std::string& why) const
    {
        throw IoError(why, {m_path, {}, -1, {}});
    }

    static bool isInteger(const CPLJSONObject& value)
    {
        return value.GetType() == CPLJSONObject::Type::Integer ||
               value.GetType() == CPLJSONObject::Type::Long;
    }

    std::string text(const CPLJSONObject& object, const char* key, const std::string& where,
                     bool required) const
    {
        const CPLJSONObject value = object.GetObj(key);
        if (!value.IsValid() && !required)
            return {};
        if (value.GetType() != CPLJSONObject::Type::String)
            fail(where + "\"" + key + "\" is " + (value.IsValid() ? "not a string" : "missing"));
        return value.ToString();
    }

    std::int64_t integer(const CPLJSONObject& object, const char* key,
                         const std::string& where) const
    {
        const CPLJSONObject value = object.GetObj(key);
        if (!value.IsValid())
            return -1;
        if (!isInteger(value))
            fail(where + "\"" + key + "\" is not an integer");
        return value.ToLong();
    }

    FeatureChange change(const CPLJSONObject& object, int number) const
    {
        const std::string where = "change " + std::to_string(number) + ": ";
        if (object.GetType() != CPLJSONObject::Type::Object)
            fail(where + "not a JSON object");
        FeatureChange change;
        const CPLJSONObject kind = object.GetObj("kind");
        if (!kind.IsValid())
            fail(where + "it has no \"kind\"");
        const std::string kindText = kind.GetType() == CPLJSONObject::Type::String
                                         ? kind.ToString()
                                         : std::string("(not a string)");
        if (kindText == "insert")
            change.kind = FeatureChange::Kind::Insert;
        else if (kindText == "update")
            change.kind = FeatureChange::Kind::Update;
        else if (kindText == "delete")
            change.kind = FeatureChange::Kind::Delete;
        else
            fail(where + "the kind \"" + kindText + "\" is not insert, update or delete");
        change.fid = integer(object, "fid", where);
        change.baseVersion =
            object.GetObj("base_version").IsValid() ? integer(object, "base_version", where) : 0;
        if (change.kind != FeatureChange::Kind::Insert && change.fid < 0)
            fail(where + kindText + " without a feature id (\"fid\")");

        const CPLJSONObject values = object.GetObj("values");
        if (values.IsValid()) {
            if (values.GetType() != CPLJSONObject::Type::Object)
                fail(where + "\"values\" is not a JSON object");
            for (const CPLJSONObject& value : values.GetChildren()) {
                if (value.GetType() == CPLJSONObject::Type::Null)
                    change.values[value.GetName()] = std::nullopt;
                else if (value.GetType() == CPLJSONObject::Type::String)
                    change.values[value.GetName()] = value.ToString();
                else
                    fail(where + "the value of field '" + value.GetName() +
                         "' is neither text nor null");
            }
        }

        const CPLJSONObject geometry = object.GetObj("geometry");
        if (geometry.GetType() == CPLJSONObject::Type::Null) {
            change.geometryWkb.emplace(); // the geometry removed
        } else if (geometry.IsValid()) {
            if (geometry.GetType() != CPLJSONObject::Type::String)
                fail(where + "\"geometry\" is not a hex string");
            const std::string hex = geometry.ToString();
            if (hex.size() % 2 != 0)
                fail(where + "the geometry is not hex WKB (odd length " +
                     std::to_string(hex.size()) + ")");
            std::vector<unsigned char> wkb(hex.size() / 2);
            for (std::size_t b = 0; b < wkb.size(); ++b) {
                const int high = hexDigit(hex[2 * b]);
                const int low = hexDigit(hex[2 * b + 1]);
                if (high < 0 || low < 0)
                    fail(where + "the geometry is not hex WKB (character " +
                         std::to_string(2 * b + (high < 0 ? 1 : 2)) + ")");
                wkb[b] = static_cast<unsigned char>(high << 4 | low);
            }
            change.geometryWkb = std::move(wkb);
        }
        return change;
    }

    std::string m_path;
};

} // namespace

void writeJournal(const std::string& path, const EditJournal& journal)
{
    writeFileAtomically(path, [&](std::ostream& out) {
        JsonWriter json(out);
        json.beginObject();
        json.field("format", kFormat);
        json.field("version", kVersion);
        json.field("store", journal.store);
        json.field("layer", journal.layer);
        json.field("schema", journal.schema);
        json.field("sources", journal.sources);
        json.field("written", journal.written);
        json.key("changes").beginArray();
        for (const FeatureChange& change : journal.changes) {
            json.beginObject();
            json.field("kind", kindName(change.kind));
            json.field("fid", change.fid);
            json.field("base_version", change.baseVersion);
            json.key("values").beginObject();
            for (const auto& [name, value] : change.values) {
                json.key(name);
                if (value)
                    json.value(*value);
                else
                    json.null();
            }
            json.endObject();
            if (change.geometryWkb) {
                json.key("geometry");
                if (change.geometryWkb->empty())
                    json.null();
                else
                    json.value(toHex(*change.geometryWkb));
            }
            json.endObject();
        }
        json.endArray();
        json.endObject();
    });
}

EditJournal readJournal(const std::string& path)
{
    return JournalReader(path).read();
}

} // namespace parkatlas::geo
