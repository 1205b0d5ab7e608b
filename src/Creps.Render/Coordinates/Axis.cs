namespace Creps.Render.Coordinates;

/// <summary>Which half of the bi-line input an axis reads: rows take rank slots j &lt; r, columns j ≥ r.</summary>
public enum Axis { Rows = 0, Cols = 1 }
