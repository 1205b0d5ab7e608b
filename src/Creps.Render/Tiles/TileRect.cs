namespace Creps.Render;

/// <summary>A rectangle of a tile in line indices: rows [Row0, Row0+Rows) of the row lines × columns [Col0, Col0+Cols) of the column lines.</summary>
public readonly record struct TileRect(int Row0, int Col0, int Rows, int Cols)
{
    /// <summary>All of two line sets' cross product.</summary>
    public static TileRect Whole(LineSet rows, LineSet cols) => new(0, 0, rows.Count, cols.Count);

    public bool IsEmpty => Rows == 0 || Cols == 0;
    public long Pixels => (long)Rows * Cols;
}
