  // Added to Doxygen's MathJax configuration (MATHJAX_CODEFILE): no "Typesetting math"
  // box in the corner, and formulas as tall as the text around them.
  MathJax.Hub.Config({
    messageStyle: "none",
    "HTML-CSS": {scale: 95, availableFonts: ["TeX"], preferredFont: "TeX", webFont: "TeX",
                 imageFont: null},
  });
