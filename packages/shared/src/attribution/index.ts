// Pure attribution: clustering drops, classifying legs, suspects, confidence and the signature catalog.
export {};
