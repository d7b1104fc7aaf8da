"""Builds exact mode's compiled loops, colourquant.kmeans._lloyd_kernel (the rest: pyproject)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "colourquant.kmeans._lloyd_kernel",
            ["src/colourquant/kmeans/_lloyd_kernel.pyx"],
            extra_compile_args=["-O3"],
        )
    ],
)
