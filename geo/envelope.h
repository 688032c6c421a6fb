#pragma once

namespace parkatlas::geo {

/// An axis-aligned box in a layer's coordinates (the extent of a feature, a layer, a query).
struct Envelope {
    double minX = 0, minY = 0, maxX = -1, maxY = -1; // empty when maxX < minX
    bool isEmpty() const { return maxX < minX; }
    void expand(double x, double y)
    {
        if (maxX < minX) {
            minX = maxX = x;
            minY = maxY = y;
            return;
        }
        minX = x < minX ? x : minX;
        maxX = x > maxX ? x : maxX;
        minY = y < minY ? y : minY;
        maxY = y > maxY ? y : maxY;
    }
    void expand(const Envelope& other)
    {
        if (other.isEmpty())
            return;
        expand(other.minX, other.minY);
        expand(other.maxX, other.maxY);
    }
    bool intersects(const Envelope& other) const
    {
        return !isEmpty() && !other.isEmpty() && minX <= other.maxX && other.minX <= maxX &&
               minY <= other.maxY && other.minY <= maxY;
    }
    double width() const { return isEmpty() ? 0 : maxX - minX; }
    double height() const { return isEmpty() ? 0 : maxY - minY; }
};

} // namespace parkatlas::geo
