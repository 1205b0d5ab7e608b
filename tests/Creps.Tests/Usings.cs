global using NUnit.Framework;
global using Creps.Render.Coordinates;
global using Creps.Render;
