"""The outputs a reader sees: each notebook's results, reports/reproduction.csv and .md, the HTML
page, and the figures.
"""
