#pragma once

// A small DXF writer for tests: entities as a design institute draws them (LWPOLYLINE with
// bulges, TEXT, MTEXT, HATCH, blocks with attributes, nested), written in a chosen code page.

#include <cpl_string.h>

#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace parkatlas::test {

class DxfBuilder {
public:
    struct Vertex {
        double x, y, bulge = 0;
    };

    std::string acadVersion = "AC1015";
    std::string codePage = "ANSI_936";
    bool withHeader = true; // false: no HEADER section at all (older tools write none)

    void polyline(const std::string& layer, const std::vector<Vertex>& vertices, bool closed)
    {
        pair(m_entities, 0, "LWPOLYLINE");
        pair(m_entities, 5, nextHandle());
        pair(m_entities, 8, layer);
        pair(m_entities, 90, std::to_string(vertices.size()));
        pair(m_entities, 70, closed ? "1" : "0");
        for (const Vertex& v : vertices) {
            pair(m_entities, 10, number(v.x));
            pair(m_entities, 20, number(v.y));
            if (v.bulge != 0)
                pair(m_entities, 42, number(v.bulge));
        }
    }
    void line(const std::string& layer, double x0, double y0, double x1, double y1)
    {
        pair(m_entities, 0, "LINE");
        pair(m_entities, 5, nextHandle());
        pair(m_entities, 8, layer);
        pair(m_entities, 10, number(x0));
        pair(m_entities, 20, number(y0));
        pair(m_entities, 11, number(x1));
        pair(m_entities, 21, number(y1));
    }
    void text(const std::string& layer, double x, double y, const std::string& value)
    {
        textTo(m_entities, layer, x, y, value);
    }
    void mtext(const std::string& layer, double x, double y, const std::string& value)
    {
        pair(m_entities, 0, "MTEXT");
        pair(m_entities, 5, nextHandle());
        pair(m_entities, 8, layer);
        pair(m_entities, 10, number(x));
        pair(m_entities, 20, number(y));
        pair(m_entities, 40, "3");
        pair(m_entities, 1, value);
    }
    /// A solid hatch over a polygon given by its corners (line edges).
    void hatch(const std::string& layer, const std::vector<std::pair<double, double>>& corners)
    {
        pair(m_entities, 0, "HATCH");
        pair(m_entities, 5, nextHandle());
        pair(m_entities, 8, layer);
        for (int code : {10, 20, 30})
            pair(m_entities, code, "0");
        pair(m_entities, 210, "0");
        pair(m_entities, 220, "0");
        pair(m_entities, 230, "1");
        pair(m_entities, 2, "SOLID");
        pair(m_entities, 70, "1");
        pair(m_entities, 71, "0");
        pair(m_entities, 91, "1");
        pair(m_entities, 92, "1");
        pair(m_entities, 93, std::to_string(corners.size()));
        for (std::size_t i = 0; i < corners.size(); ++i) {
            const auto& a = corners[i];
            const auto& b = corners[(i + 1) % corners.size()];
            pair(m_entities, 72, "1");
            pair(m_entities, 10, number(a.first));
            pair(m_entities, 20, number(a.second));
            pair(m_entities, 11, number(b.first));
            pair(m_entities, 21, number(b.second));
        }
        pair(m_entities, 97, "0");
        pair(m_entities, 75, "0");
        pair(m_entities, 76, "1");
        pair(m_entities, 98, "0");
    }
    /// A block definition; `body` is built with the *To functions below.
    void block(const std::string& name, const std::string& body)
    {
        pair(m_blocks, 0, "BLOCK");
        pair(m_blocks, 8, "0");
        pair(m_blocks, 2, name);
        pair(m_blocks, 70, "2");
        for (int code : {10, 20, 30})
            pair(m_blocks, code, "0");
        pair(m_blocks, 3, name);
        m_blocks += body;
        pair(m_blocks, 0, "ENDBLK");
        pair(m_blocks, 8, "0");
    }
    void insert(const std::string& layer, const std::string& blockName, double x, double y,
                const std::vector<std::tuple<std::string, std::string, double, double>>& attributes)
    {
        insertTo(m_entities, layer, blockName, x, y, attributes);
    }

    // Building blocks for block bodies.
    void textTo(std::string& out, const std::string& layer, double x, double y,
                const std::string& value)
    {
        pair(out, 0, "TEXT");
        pair(out, 5, nextHandle());
        pair(out, 8, layer);
        pair(out, 10, number(x));
        pair(out, 20, number(y));
        pair(out, 40, "2.5");
        pair(out, 1, value);
    }
    void attdefTo(std::string& out, const std::string& tag, double x, double y)
    {
        pair(out, 0, "ATTDEF");
        pair(out, 8, "0");
        pair(out, 10, number(x));
        pair(out, 20, number(y));
        pair(out, 40, "2.5");
        pair(out, 1, "");
        pair(out, 3, tag);
        pair(out, 2, tag);
        pair(out, 70, "0");
    }
    /// An INSERT with ATTRIBs: (tag, value, x, y) each, positions in drawing units.
    void insertTo(std::string& out, const std::string& layer, const std::string& blockName,
                  double x, double y,
                  const std::vector<std::tuple<std::string, std::string, double, double>>& attributes)
    {
        pair(out, 0, "INSERT");
        pair(out, 5, nextHandle());
        pair(out, 8, layer);
        pair(out, 2, blockName);
        if (!attributes.empty())
            pair(out, 66, "1");
        pair(out, 10, number(x));
        pair(out, 20, number(y));
        for (const auto& [tag, value, ax, ay] : attributes) {
            pair(out, 0, "ATTRIB");
            pair(out, 5, nextHandle());
            pair(out, 8, layer);
            pair(out, 10, number(ax));
            pair(out, 20, number(ay));
            pair(out, 40, "2.5");
            pair(out, 1, value);
            pair(out, 2, tag);
            pair(out, 70, "0");
        }
        if (!attributes.empty()) {
            pair(out, 0, "SEQEND");
            pair(out, 8, layer);
        }
    }

    /// The drawing as UTF-8 text.
    std::string utf8() const
    {
        std::string out;
        if (withHeader) {
        pair(out, 0, "SECTION");
        pair(out, 2, "HEADER");
        pair(out, 9, "$ACADVER");
        pair(out, 1, acadVersion);
        if (!codePage.empty()) {
            pair(out, 9, "$DWGCODEPAGE");
            pair(out, 3, codePage);
        }
        pair(out, 0, "ENDSEC");
        } else {
            // GDAL recognises a DXF by a HEADER, TABLES or ENTITIES section first.
            pair(out, 0, "SECTION");
            pair(out, 2, "TABLES");
            pair(out, 0, "ENDSEC");
        }
        pair(out, 0, "SECTION");
        pair(out, 2, "BLOCKS");
        out += m_blocks;
        pair(out, 0, "ENDSEC");
        pair(out, 0, "SECTION");
        pair(out, 2, "ENTITIES");
        out += m_entities;
        pair(out, 0, "ENDSEC");
        pair(out, 0, "EOF");
        return out;
    }

    /// Writes the drawing with its text in `encoding` (an iconv name: "CP936", "UTF-8").
    void save(const std::string& path, const std::string& encoding) const
    {
        const std::string text = utf8();
        std::string bytes = text;
        if (encoding != "UTF-8") {
            char* recoded = CPLRecode(text.c_str(), CPL_ENC_UTF8, encoding.c_str());
            bytes = recoded;
            CPLFree(recoded);
        }
        std::ofstream(path, std::ios::binary) << bytes;
    }

    static std::string number(double value)
    {
        std::ostringstream out;
        out.precision(17);
        out << value;
        return out.str();
    }

private:
    static void pair(std::string& out, int code, const std::string& value)
    {
        out += std::to_string(code);
        out += '\n';
        out += value;
        out += '\n';
    }
    std::string nextHandle() { return toHex(++m_handle); }
    static std::string toHex(int value)
    {
        std::ostringstream out;
        out << std::hex << std::uppercase << value;
        return out.str();
    }

    std::string m_entities, m_blocks;
    int m_handle = 0x100;
};

} // namespace parkatlas::test
