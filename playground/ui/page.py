import streamlit as st


def main():
    st.title("Neural Playground")
    st.write("Build a neural network, press Play and watch it learn.")
