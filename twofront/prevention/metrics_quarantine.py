METRICS: list = []
