import ConvEngine
